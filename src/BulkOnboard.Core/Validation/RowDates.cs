using BulkOnboard.Input;
using NodaTime;

namespace BulkOnboard.Validation;

/// <summary>How a file's <c>start_date</c> and <c>end_date</c> columns are read, and the zone of a row that names none.</summary>
internal sealed record RowDates(DateReading? Start, DateReading? End, DateTimeZone DefaultZone)
{
    /// <summary>
    /// Reads every row's date cells once to decide how each column is read (<see cref="DateReading.Decide"/>);
    /// <c>null</c> when the file has no date column. Throws <see cref="InputException"/> for a column that cannot be read safely.
    /// </summary>
    public static RowDates? Decide(ColumnMap columns, IEnumerable<RawRecord> rows, DateTimeZone defaultZone)
    {
        var (hasStart, hasEnd) = (columns.Has(Field.StartDate), columns.Has(Field.EndDate));
        if (!hasStart && !hasEnd)
        {
            return null;
        }

        var starts = new List<string?>();
        var ends = new List<string?>();
        foreach (var row in rows)
        {
            if (hasStart)
            {
                starts.Add(columns.Get(row.Cells, Field.StartDate));
            }

            if (hasEnd)
            {
                ends.Add(columns.Get(row.Cells, Field.EndDate));
            }
        }

        string? Format(string field) => columns.Mapping?.Formats.GetValueOrDefault(field);
        return new RowDates(
            hasStart ? DateReading.Decide(columns.DisplayName(Field.StartDate), starts, Format(Field.StartDate)) : null,
            hasEnd ? DateReading.Decide(columns.DisplayName(Field.EndDate), ends, Format(Field.EndDate)) : null,
            defaultZone);
    }
}
