namespace BulkOnboard.Input;

/// <summary>
/// An opened input file: its header found and mapped, its data records ready to stream.
/// The header is the first row, within the first <see cref="HeaderSearchRows"/>, that has an email column.
/// </summary>
internal sealed class InputTable : IDisposable
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

    /// <summary>Problems read past rather than refused (a stray quote kept as text), for the log.</summary>
    public IReadOnlyList<string> Warnings => _reader.Warnings;

    public static InputTable Open(string path, HeaderMatcher matcher, string? sheet, CancellationToken cancellationToken) =>
        Open(path, matcher, sheet, mapping: null, cancellationToken);

    /// <summary>Opens the file with a mapping file's columns, value maps, defaults and filters applied.</summary>
    public static InputTable Open(string path, HeaderMatcher matcher, string? sheet, MappingFile? mapping, CancellationToken cancellationToken)
    {
        try
        {
            return OpenChecked(path, matcher, sheet, mapping, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new InputException($"{Path.GetFileName(path)}: reading was stopped (Ctrl+C or SIGTERM) before anything was sent");
        }
    }

    private static InputTable OpenChecked(string path, HeaderMatcher matcher, string? sheet, MappingFile? mapping, CancellationToken cancellationToken)
    {
        var fingerprint = InputFingerprint.Compute(path, cancellationToken);
        if (fingerprint.Length == 0)
        {
            throw new InputException($"{path}: the file is empty");
        }

        var reader = TableReaders.Open(path, fingerprint, sheet, cancellationToken);
        try
        {
            // The rows are read whatever happens after opening: a run stopped by Ctrl+C or SIGTERM still reads
            // the rest of the file, so that every row is reported (not_attempted) and can be fed back in.
            var (columns, records) = FindHeader(path, reader.ReadRecords(CancellationToken.None).GetEnumerator(), matcher, mapping);
            if (columns.MissingMappedColumns is [var missing, ..])
            {
                var cells = string.Join(", ", columns.HeaderCells.Where(c => !string.IsNullOrWhiteSpace(c)).Take(12).Select(c => c.Trim()));
                throw new InputException($"mapping file {mapping!.Path}: {missing} is not in the header of {Path.GetFileName(path)} (row {columns.HeaderRowNumber} has: {Truncate(cells, 200)})");
            }

            var first = NextDataRow(records)
                ?? throw new InputException($"{path}: has a header row (row {columns.HeaderRowNumber}) but no data rows") { Problem = InputProblem.NoDataRows };
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

    private static (ColumnMap Columns, IEnumerator<RawRecord> Records) FindHeader(string path, IEnumerator<RawRecord> records, HeaderMatcher matcher, MappingFile? mapping)
    {
        var seen = new List<RawRecord>();
        for (var i = 0; i < HeaderSearchRows && records.MoveNext(); i++)
        {
            var record = records.Current;
            if (record.IsBlank)
            {
                continue;
            }

            seen.Add(record);
            var map = ColumnMap.Create(record.Cells, record.RowNumber, matcher, mapping);
            if (map.HasEmail)
            {
                return (map, records);
            }
        }

        if (seen.Count == 0)
        {
            throw new InputException($"{path}: the file has no rows");
        }

        // No header names the email (Microsoft 365's "User Name" holds it, say): the first row is the
        // header, and the column whose values are (almost) all addresses is the email column.
        var header = seen[0];
        var rows = seen.Skip(1).ToList();
        if (EmailColumnByContent(header, rows) is { } found)
        {
            var columns = ColumnMap.Create(header.Cells, header.RowNumber, matcher, mapping).WithEmailAt(found.Index, found.Why);
            return (columns, Replay(rows, records));
        }

        var cells = string.Join(", ", header.Cells.Where(c => !string.IsNullOrWhiteSpace(c)).Take(12).Select(c => c.Trim()));
        throw new InputException(
            $"{path}: no email column in the first {HeaderSearchRows} rows; expected a header such as Email, E-mail, Email Address or Work Email, or a column of addresses (first row has: {Truncate(cells, 200)})");
    }

    /// <summary>The column where at least 90% of the non-empty values (three at least) look like addresses, the most such first.</summary>
    private static (int Index, string Why)? EmailColumnByContent(RawRecord header, List<RawRecord> rows)
    {
        (int Index, int Addresses, int Values)? best = null;
        for (var column = 0; column < header.Cells.Length; column++)
        {
            var values = rows.Select(r => column < r.Cells.Length ? r.Cells[column].Trim() : string.Empty).Where(v => v.Length > 0).ToList();
            var addresses = values.Count(LooksLikeEmail);
            if (values.Count >= Math.Min(3, rows.Count) && values.Count > 0 && addresses >= 0.9 * values.Count && (best is null || addresses > best.Value.Addresses))
            {
                best = (column, addresses, values.Count);
            }
        }

        return best is { } b
            ? (b.Index, $"no header names the email; the column '{header.Cells[b.Index].Trim()}' holds addresses ({b.Addresses} of the first {b.Values} values), so it is the email column")
            : null;
    }

    private static bool LooksLikeEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && value.IndexOf('.', at) > at + 1 && !value.EndsWith('.') && !value.Any(char.IsWhiteSpace);
    }

    /// <summary>The rows read while looking for the header, then the rest.</summary>
    private static IEnumerator<RawRecord> Replay(List<RawRecord> read, IEnumerator<RawRecord> rest)
    {
        try
        {
            foreach (var record in read)
            {
                yield return record;
            }

            while (rest.MoveNext())
            {
                yield return rest.Current;
            }
        }
        finally
        {
            rest.Dispose();
        }
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
