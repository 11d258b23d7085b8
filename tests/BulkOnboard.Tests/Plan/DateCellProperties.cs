using System.Globalization;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace BulkOnboard.Tests.Plan;

/// <summary>
/// Any date cells (any string, any year, any shape a date comes in), any zone, lead time and clock: reading
/// them never throws, and what the dates schedule falls within the person's days: a joiner's create or
/// invite never after their start nor after their end, a leaver's action never before their start.
/// </summary>
public class DateCellProperties
{
    private static readonly string?[] Zones = [null, "Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Mars/Olympus"];

    /// <summary>A column's reading: decided from the cell itself (which may refuse the column), day-first, month-first, or declared.</summary>
    private static readonly Func<string?, DateReading>[] Readings =
    [
        cell => DateReading.Decide("Date", [cell], null),
        _ => DateReading.Decide("Date", ["31/12/2026"], null),
        _ => DateReading.Decide("Date", ["12/31/2026"], null),
        _ => DateReading.Decide("Date", [], "dd.MM.yyyy"),
    ];

    private static Gen<string?> Cells() =>
        Gen.Frequency(
            (3, ArbMap.Default.GeneratorFor<string?>()),
            (1, Gen.Constant<string?>(null)),
            (6, from year in Gen.Choose(-50, 20_000)
                from month in Gen.Choose(0, 13)
                from day in Gen.Choose(0, 32)
                from hour in Gen.Choose(0, 30)
                from shape in Gen.Choose(0, 7)
                from tail in ArbMap.Default.GeneratorFor<string>()
                select (string?)Shape(shape, year, month, day, hour, tail)),
            (1, Gen.Elements<string?>("9999-12-31", "9999-12-30", "12/31/9999", "31.12.9999", "0001-01-01", "1899-12-31", "1900-01-01", "2026-12-31T25:00")));

    private static string Shape(int shape, int year, int month, int day, int hour, string tail) => shape switch
    {
        0 => Invariant($"{year:0000}-{month:00}-{day:00}"),
        1 => Invariant($"{month}/{day}/{year}"),
        2 => Invariant($"{day}.{month}.{year}"),
        3 => Invariant($"{year:0000}-{month:00}-{day:00}T{hour:00}:30"),
        4 => Invariant($"{year:0000}-{month:00}-{day:00} {hour:00}:00:00"),
        5 => Invariant($"{year:0000}-{month:00}-{day:00} {tail}"),
        6 => Invariant($"{day:00}/{month:00}/{year:0000}"),
        _ => Invariant($"9999-12-{day:00}"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Case(string? Start, string? End, int StartReading, int EndReading, string? Zone, int LeadDays, bool Guest, DateTimeOffset Now);

    private static Gen<Case> Cases() =>
        from start in Cells()
        from end in Cells()
        from startReading in Gen.Choose(0, Readings.Length - 1)
        from endReading in Gen.Choose(0, Readings.Length - 1)
        from zone in Gen.Elements(Zones)
        from lead in Gen.Choose(0, 3650)
        from guest in Gen.Elements(false, true)
        from days in Gen.Choose(0, 200 * 366)
        select new Case(start, end, startReading, endReading, zone, lead, guest, new DateTimeOffset(1950, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(days));

    [FsCheck.NUnit.Property(MaxTest = 2000)]
    public Property AnyDateCells_NeverThrow_AndScheduleNothingOutsideThePersonsDays() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            if (Reading(c.StartReading, c.Start) is not { } startReading || Reading(c.EndReading, c.End) is not { } endReading)
            {
                return true; // the column is refused as a whole: one line, exit 1, before anything is sent
            }

            var rowDates = new RowDates(startReading, endReading, DateTimeZone.Utc, "Start Date", "End Date");
            var (dates, errors) = rowDates.Read(c.Start, c.End, c.Zone);
            if (dates is null)
            {
                return true;
            }

            Assert.That(errors, Is.Empty);
            var policy = new DatePolicy(new DatesOptions { InviteLeadDays = c.LeadDays, GuestLeadDays = c.LeadDays }, c.Now);
            var email = "p@x.example";
            PersonPayload payload = c.Guest ? DeliveryHarness.Guest(email) : DeliveryHarness.Member(email);
            var row = new ValidatedRow(new RawRecord(2, []), payload.Kind, email, payload, [], null) { Dates = dates };
            var joiner = policy.JudgeJoiner(row, "f.csv")?.Due;
            var leaver = policy.FutureLeaver(payload.Kind, email, dates, null, "f.csv");
            _ = policy.HasEnded(dates);

            var firstDay = dates.Start?.AtStartOfDayInZone(dates.Zone).ToInstant().ToDateTimeOffset();
            var ends = dates.EndsAt?.ToDateTimeOffset();
            var label = $"start '{c.Start}' end '{c.End}' read {dates.Start}..{dates.End} {dates.Zone.Id}";
            Assert.That(joiner is null || (firstDay is { } f && joiner.DueAt <= f), Is.True, $"a joiner is never sent after their start: {label}");
            Assert.That(joiner is null || ends is null || joiner.DueAt < ends, Is.True, $"a joiner is never sent after their end: {label}");
            Assert.That(leaver is null || firstDay is null || leaver.DueAt > firstDay, Is.True, $"a leaver action never comes before their start: {label}");
            return true;
        });

    private static DateReading? Reading(int which, string? cell)
    {
        try
        {
            return Readings[which](cell);
        }
        catch (InputException refused)
        {
            Assert.That(refused.Message, Is.Not.Empty);
            return null;
        }
    }
}
