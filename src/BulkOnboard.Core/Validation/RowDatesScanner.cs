using BulkOnboard.Input;
using NodaTime;

namespace BulkOnboard.Validation;

/// <summary>
/// Decides how a file's date columns are read (<see cref="RowDates"/>) from every value they hold, as the first
/// pass over the file shows its rows (<see cref="IRowScanner"/>): the decision costs no read of its own.
/// </summary>
internal sealed class RowDatesScanner(DateTimeZone defaultZone) : IRowScanner
{
    private ColumnMap? _columns;
    private DateReading.Decider? _start;
    private DateReading.Decider? _end;

    public bool Start(ColumnMap columns)
    {
        string? Format(string field) => columns.Mapping?.Formats.GetValueOrDefault(field);
        _columns = columns;
        _start = columns.Has(Field.StartDate) ? new DateReading.Decider(columns.DisplayName(Field.StartDate), Format(Field.StartDate)) : null;
        _end = columns.Has(Field.EndDate) ? new DateReading.Decider(columns.DisplayName(Field.EndDate), Format(Field.EndDate)) : null;
        return _start?.NeedsValues == true || _end?.NeedsValues == true;
    }

    public void Scan(RawRecord row)
    {
        _start?.Add(_columns!.Get(row.Cells, Field.StartDate));
        _end?.Add(_columns!.Get(row.Cells, Field.EndDate));
    }

    /// <summary>
    /// How the date columns are read, from the rows scanned; <c>null</c> when the file has no date column.
    /// Throws <see cref="InputException"/> for a column that cannot be read safely.
    /// </summary>
    public RowDates? Decide() => _columns is null || (_start is null && _end is null)
        ? null
        : new RowDates(_start?.Decide(), _end?.Decide(), defaultZone, _columns.DisplayName(Field.StartDate), _columns.DisplayName(Field.EndDate));
}
