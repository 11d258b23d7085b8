using BulkOnboard.Input;
using NodaTime;

namespace BulkOnboard.Validation;

/// <summary>
/// How a file's <c>start_date</c> and <c>end_date</c> columns are read, and the zone of a row that names none:
/// the one place a row's date cells become its <see cref="PersonDates"/> (<see cref="Read"/>).
/// </summary>
/// <param name="StartColumn">The start column as the file names it, for messages.</param>
/// <param name="EndColumn">The end column as the file names it.</param>
internal sealed record RowDates(DateReading? Start, DateReading? End, DateTimeZone DefaultZone, string StartColumn = "start_date", string EndColumn = "end_date")
{
    /// <summary>
    /// An end date in this year means "no end": <c>9999-12-31</c> is SAP's and SuccessFactors' open end,
    /// <c>9999-12-30</c> and the like other systems'. No contract ends in it, and its last day would end past the calendar.
    /// </summary>
    public const int OpenEndYear = 9999;

    /// <summary>
    /// A row's dates, or the problems with them, each naming its column: a cell that is not a date (or more
    /// than one), a year before <see cref="DateReading.EarliestYear"/>, an end before the start (both named).
    /// <c>null</c> dates when the row has none (an open end alone is none). Never throws, whatever the cells hold.
    /// </summary>
    public (PersonDates? Dates, IReadOnlyList<string> Errors) Read(string? startCell, string? endCell, string? zoneCell)
    {
        var (start, startError) = Start?.Read(startCell) ?? (null, null);
        var (end, endError) = End?.Read(endCell) ?? (null, null);
        List<string> errors = [.. new[] { (StartColumn, startError), (EndColumn, endError) }.Where(e => e.Item2 is not null).Select(e => $"{e.Item1}: {e.Item2}")];
        if (end is { Year: OpenEndYear })
        {
            end = null;
        }

        if (start is { } first && end is { } last && last < first)
        {
            errors.Add($"{EndColumn}: {last:yyyy-MM-dd} is before {StartColumn} {first:yyyy-MM-dd}: the last day cannot come before the first; fix one of them");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (start is null && end is null ? null : new PersonDates(start, end, DateZones.Find(zoneCell) ?? DefaultZone), []);
    }

    /// <summary>
    /// Reads every row's date cells to decide how each column is read (<see cref="DateReading.Decide"/>);
    /// <c>null</c> when the file has no date column. Throws <see cref="InputException"/> for a column that cannot be read safely.
    /// An import decides it in its first pass over the file instead (<see cref="RowDatesScanner"/>).
    /// </summary>
    public static RowDates? Decide(ColumnMap columns, IEnumerable<RawRecord> rows, DateTimeZone defaultZone)
    {
        var scanner = new RowDatesScanner(defaultZone);
        if (scanner.Start(columns))
        {
            foreach (var row in rows)
            {
                scanner.Scan(row);
            }
        }

        return scanner.Decide();
    }
}
