using System.Globalization;
using System.Text.RegularExpressions;
using BulkOnboard.Input;
using NodaTime;
using NodaTime.Text;
using NodaTime.TimeZones;

namespace BulkOnboard.Validation;

/// <summary>
/// How one date column is read: ISO dates (and real Excel dates, which the reader writes as ISO) always;
/// slashed dates (<c>03/04/2026</c>) day-first or month-first as the column's own values show, or as the
/// mapping file's <c>formats</c> declares. A column whose slashed dates could be either, with nothing to
/// tell them apart and no format declared, is never guessed: the run stops (<see cref="Decide"/>).
/// </summary>
internal sealed partial class DateReading
{
    private readonly LocalDatePattern? _declared;
    private readonly bool? _dayFirst;

    private DateReading(LocalDatePattern? declared, bool? dayFirst)
    {
        _declared = declared;
        _dayFirst = dayFirst;
    }

    /// <summary>
    /// Decides how a column is read from all its values; throws <see cref="InputException"/> (one line, the
    /// run stops before anything is sent) when its slashed dates cannot be told apart or contradict each other.
    /// </summary>
    public static DateReading Decide(string column, IEnumerable<string?> values, string? declaredFormat)
    {
        var decider = new Decider(column, declaredFormat);
        foreach (var value in values)
        {
            decider.Add(value);
        }

        return decider.Decide();
    }

    /// <summary>
    /// A cell's date, <c>null</c> for an empty cell; an error when it is not a date this column reads: text
    /// beside the date (<c>2026-12-31 maybe</c>), a time of day that is none (<c>2026-12-31T25:00</c>), or a
    /// year before <see cref="EarliestYear"/>. A date-time (a real Excel date with a time of day) is its date.
    /// </summary>
    public (LocalDate? Date, string? Error) Read(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        var value = text.Trim();
        if (Parse(value) is not { } date)
        {
            return (null, $"'{value}' is not a date (use 2026-03-04, a real Excel date{(_declared is null ? ", or declare the column's format in the mapping file" : ", or the declared format")})");
        }

        return date.Year < EarliestYear
            ? (null, $"'{value}' is before {EarliestYear}: not a date anyone starts or ends on")
            : (date, null);
    }

    /// <summary>No date before this year is a person's start or end (a year 0001 or 1066 is a typo or a placeholder).</summary>
    public const int EarliestYear = 1900;

    private LocalDate? Parse(string value)
    {
        if (_declared is not null && _declared.Parse(value) is { Success: true } declared)
        {
            return declared.Value;
        }

        // ISO, alone or as the date of a date-time (a real Excel date with a time of day); nothing else beside it.
        if (value.Length >= 10 && LocalDatePattern.Iso.Parse(value[..10]) is { Success: true } iso
            && (value.Length == 10 || (value[10] is 'T' or ' ' && IsTimeOfDay(value[11..]))))
        {
            return iso.Value;
        }

        if (_declared is null && _dayFirst is { } dayFirst && Slashed().Match(value) is { Success: true } match)
        {
            var (a, b, year) = (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture));
            var (day, month) = dayFirst ? (a, b) : (b, a);
            if (month is >= 1 and <= 12 && day >= 1 && day <= CalendarSystem.Iso.GetDaysInMonth(year, month))
            {
                return new LocalDate(year, month, day);
            }
        }

        return null;
    }

    private static readonly LocalTimePattern[] TimesOfDay = [LocalTimePattern.CreateWithInvariantCulture("HH':'mm"), LocalTimePattern.ExtendedIso];

    /// <summary>A time of day (<c>09:30</c>, <c>09:30:00</c>, <c>09:30:00.123</c>), optionally with <c>Z</c> or an offset (<c>+02:00</c>).</summary>
    private static bool IsTimeOfDay(string text)
    {
        var offsetAt = text.Length > 0 && text[^1] is 'Z' or 'z' ? text.Length - 1 : text.LastIndexOfAny(['+', '-']);
        if (offsetAt >= 0)
        {
            var offset = text[offsetAt..];
            if (offset is not ("Z" or "z") && !OffsetPattern.GeneralInvariant.Parse(offset).Success)
            {
                return false;
            }

            text = text[..offsetAt];
        }

        return TimesOfDay.Any(p => p.Parse(text).Success);
    }

    [GeneratedRegex(@"^([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Slashed();

    /// <summary>Decides how a column is read from its values, given one at a time, keeping only the first that tells each way.</summary>
    internal sealed class Decider(string column, string? declaredFormat)
    {
        private string? _ambiguous;
        private string? _dayFirst;
        private string? _monthFirst;

        /// <summary>Whether the values are needed at all: not for a column whose format the mapping file declares.</summary>
        public bool NeedsValues => declaredFormat is null;

        public void Add(string? value)
        {
            if (declaredFormat is not null || value is null || Slashed().Match(value.Trim()) is not { Success: true } match)
            {
                return;
            }

            var (first, second) = (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
            if (first > 12 && second <= 12)
            {
                _dayFirst ??= value.Trim();
            }
            else if (second > 12 && first <= 12)
            {
                _monthFirst ??= value.Trim();
            }
            else
            {
                _ambiguous ??= value.Trim();
            }
        }

        /// <summary>How the column is read, from the values added; throws <see cref="InputException"/> as <see cref="DateReading.Decide"/> does.</summary>
        public DateReading Decide()
        {
            if (declaredFormat is not null)
            {
                return new DateReading(LocalDatePattern.CreateWithInvariantCulture(declaredFormat), null);
            }

            if (_dayFirst is not null && _monthFirst is not null)
            {
                throw new InputException($"the column {column} has day-first dates ({_dayFirst}) and month-first dates ({_monthFirst}); fix the column, or declare its format in the mapping file (formats)");
            }

            if (_ambiguous is not null && _dayFirst is null && _monthFirst is null)
            {
                throw new InputException($"the column {column} has dates like {_ambiguous} that could be day-first or month-first, and no value tells them apart; "
                    + "declare its format in the mapping file (formats: {\"start_date\": \"dd/MM/yyyy\"} or \"MM/dd/yyyy\"); nothing was sent");
            }

            return new DateReading(null, _dayFirst is not null ? true : _monthFirst is not null ? false : null);
        }
    }
}

/// <summary>Time zones by IANA name or Windows name, from NodaTime's own tzdb (the same answer on every OS).</summary>
internal static class DateZones
{
    public static DateTimeZone? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var trimmed = name.Trim();
        if (TimeZoneNames.Canonicalize(trimmed) is { } iana && DateTimeZoneProviders.Tzdb.GetZoneOrNull(iana) is { } zone)
        {
            return zone;
        }

        return IanaOfWindows(trimmed) is { } mapped ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(mapped) : null;
    }

    /// <summary>The IANA name CLDR maps a Windows zone name to (<c>W. Europe Standard Time</c> → <c>Europe/Berlin</c>).</summary>
    public static string? IanaOfWindows(string name) =>
        TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping.FirstOrDefault(p => string.Equals(p.Key, name.Trim(), StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>A person's dates in their time zone, and when the actions they call for are due.</summary>
internal sealed record PersonDates(LocalDate? Start, LocalDate? End, DateTimeZone Zone)
{
    /// <summary>When a joiner is sent: the start of the day <paramref name="leadDays"/> before the start date, their time.</summary>
    public Instant? JoinDue(int leadDays) => Start?.PlusDays(-leadDays).AtStartOfDayInZone(Zone).ToInstant();

    /// <summary>
    /// The end of the last day, their time: from then on the person is a leaver. <see cref="RowDates.Read"/>
    /// never makes an end in the year 9999 (it is "no end"), so the day after always exists.
    /// </summary>
    public Instant? EndsAt => End?.PlusDays(1).AtStartOfDayInZone(Zone).ToInstant();

    /// <summary>An instant as the person's calendar shows it: <c>2026-12-08 00:00 Europe/Berlin</c>.</summary>
    public string Describe(Instant at) => $"{at.InZone(Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {Zone.Id}";
}
