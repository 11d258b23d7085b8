namespace BulkOnboard.Input;

/// <summary>
/// An opened input file: its header found and mapped, its data records ready to stream.
/// The header is the first row, within the first <see cref="HeaderSearchRows"/>, that has an email column.
/// </summary>
public sealed class InputTable : IDisposable
{
    public const int HeaderSearchRows = 20;

    private readonly ITableReader _reader;
    private readonly IEnumerator<RawRecord> _records;
    private readonly RawRecord _firstDataRow;

    private InputTable(ITableReader reader, IEnumerator<RawRecord> records, ColumnMap columns, RawRecord firstDataRow, InputFingerprint fingerprint)
    {
        _reader = reader;
        _records = records;
        Columns = columns;
        _firstDataRow = firstDataRow;
        Fingerprint = fingerprint;
    }

    public ColumnMap Columns { get; }

    public InputFingerprint Fingerprint { get; }

    /// <summary>Whether the input is a workbook (its length says nothing about its row count: it is compressed).</summary>
    public bool IsWorkbook { get; private init; }

    /// <summary>What was detected, for the log.</summary>
    public string Description => _reader.Description;

    public static InputTable Open(string path, HeaderMatcher matcher, string? sheet, CancellationToken cancellationToken)
    {
        var fingerprint = InputFingerprint.Compute(path);
        if (fingerprint.Length == 0)
        {
            throw new InputException($"{path}: the file is empty");
        }

        var reader = TableReaders.Open(path, fingerprint, sheet);
        try
        {
            var records = reader.ReadRecords(cancellationToken).GetEnumerator();
            var columns = FindHeader(path, records, matcher);
            var first = NextDataRow(records)
                ?? throw new InputException($"{path}: has a header row (row {columns.HeaderRowNumber}) but no data rows");
            return new InputTable(reader, records, columns, first, fingerprint) { IsWorkbook = TableReaders.IsWorkbook(path) };
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The data records after the header, blank rows left out.</summary>
    public IEnumerable<RawRecord> DataRows()
    {
        yield return _firstDataRow;
        while (NextDataRow(_records) is { } row)
        {
            yield return row;
        }
    }

    public void Dispose()
    {
        _records.Dispose();
        _reader.Dispose();
    }

    private static ColumnMap FindHeader(string path, IEnumerator<RawRecord> records, HeaderMatcher matcher)
    {
        RawRecord? firstNonBlank = null;
        for (var i = 0; i < HeaderSearchRows && records.MoveNext(); i++)
        {
            var record = records.Current;
            if (record.IsBlank)
            {
                continue;
            }

            firstNonBlank ??= record;
            var map = ColumnMap.Create(record.Cells, record.RowNumber, matcher);
            if (map.HasEmail)
            {
                return map;
            }
        }

        if (firstNonBlank is null)
        {
            throw new InputException($"{path}: the file has no rows");
        }

        var found = string.Join(", ", firstNonBlank.Value.Cells.Where(c => !string.IsNullOrWhiteSpace(c)).Take(12).Select(c => c.Trim()));
        throw new InputException(
            $"{path}: no email column in the first {HeaderSearchRows} rows; expected a header such as Email, E-mail, Email Address or Work Email (first row has: {Truncate(found, 200)})");
    }

    private static RawRecord? NextDataRow(IEnumerator<RawRecord> records)
    {
        while (records.MoveNext())
        {
            if (!records.Current.IsBlank)
            {
                return records.Current;
            }
        }

        return null;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "...";
}
