namespace BulkOnboard.Input;

/// <summary>
/// An opened input file: its header found and mapped (<see cref="HeaderSearch"/>), its data records ready to
/// stream. Opening makes the first pass over the file (<see cref="FirstPass"/>); the rows are the second.
/// </summary>
internal sealed class InputTable : IDisposable
{
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

    /// <summary>
    /// The data rows to come (blank rows left out), as the first pass counted them; for a workbook that needed no
    /// first pass, the rows of its sheet below the header, blank ones too. The length of the progress bar.
    /// </summary>
    public int ExpectedRows { get; private set; }

    /// <summary>Whether the input is a workbook (its length says nothing about its row count: it is compressed).</summary>
    public bool IsWorkbook { get; private init; }

    /// <summary>What was detected, for the log.</summary>
    public string Description => _reader.Description;

    /// <summary>Problems read past rather than refused (a stray quote kept as text), for the log.</summary>
    public IReadOnlyList<string> Warnings => _reader.Warnings;

    public static InputTable Open(string path, HeaderMatcher matcher, string? sheet, CancellationToken cancellationToken) =>
        Open(path, matcher, sheet, mapping: null, [], cancellationToken);

    /// <summary>Opens the file with a mapping file's columns, value maps, defaults and filters applied.</summary>
    public static InputTable Open(string path, HeaderMatcher matcher, string? sheet, MappingFile? mapping, CancellationToken cancellationToken) =>
        Open(path, matcher, sheet, mapping, [], cancellationToken);

    /// <summary>
    /// As <see cref="Open(string, HeaderMatcher, string?, MappingFile?, CancellationToken)"/>; <paramref name="scanners"/>
    /// see every data row of the first pass. <paramref name="cancellationToken"/> (Ctrl+C/SIGTERM) ends that pass.
    /// </summary>
    public static InputTable Open(string path, HeaderMatcher matcher, string? sheet, MappingFile? mapping, IReadOnlyList<IRowScanner> scanners, CancellationToken cancellationToken)
    {
        try
        {
            // A FIFO or a device is refused for what it is, before its name is looked at.
            InputFile.EnsureRegular(path, path);
            TableReaders.EnsureSupported(path);
            return TableReaders.IsWorkbook(path)
                ? OpenWorkbook(path, matcher, sheet, mapping, scanners, cancellationToken)
                : OpenCsv(path, matcher, mapping, scanners, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new InputException($"{Path.GetFileName(path)}: reading was stopped (Ctrl+C or SIGTERM) before anything was sent");
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

    private static InputTable OpenCsv(string path, HeaderMatcher matcher, MappingFile? mapping, IReadOnlyList<IRowScanner> scanners, CancellationToken cancellationToken)
    {
        var pass = FirstPass.OfCsv(path, matcher, mapping, scanners, cancellationToken);
        var table = OpenRows(path, new CsvTableReader(path, pass.Checks), matcher, mapping, pass.Fingerprint);
        table.ExpectedRows = pass.Rows;
        return table;
    }

    /// <summary>
    /// A workbook is a zip, read out of order: its fingerprint is a read of its own, and a first pass over its
    /// sheet is made only for scanners that want its rows (a date column); its sheet's size says how many rows to expect.
    /// </summary>
    private static InputTable OpenWorkbook(string path, HeaderMatcher matcher, string? sheet, MappingFile? mapping, IReadOnlyList<IRowScanner> scanners, CancellationToken cancellationToken)
    {
        var fingerprint = InputFingerprint.Compute(path, cancellationToken);
        if (fingerprint.Length == 0)
        {
            throw new InputException($"{path}: the file is empty");
        }

        var reader = new ExcelTableReader(path, sheet);
        var table = OpenRows(path, reader, matcher, mapping, fingerprint);
        try
        {
            var wanting = scanners.Where(s => s.Start(table.Columns)).ToList();
            table.ExpectedRows = wanting.Count > 0
                ? FirstPass.OfWorkbook(path, sheet, matcher, mapping, wanting, cancellationToken)
                : Math.Max(1, reader.SheetRows - table.Columns.HeaderRowNumber);
            return table;
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    /// <summary>The second pass: the header found again, the same way, and the rows ready to stream.</summary>
    private static InputTable OpenRows(string path, ITableReader reader, HeaderMatcher matcher, MappingFile? mapping, InputFingerprint fingerprint)
    {
        try
        {
            // The rows are read whatever happens after opening: a run stopped by Ctrl+C or SIGTERM still reads
            // the rest of the file, so that every row is reported (not_attempted) and can be fed back in.
            var records = reader.ReadRecords(CancellationToken.None).GetEnumerator();
            var (columns, pending) = HeaderSearch.Find(path, records, matcher, mapping);
            var rest = pending.Count == 0 ? records : Replay(pending, records);
            var first = NextDataRow(rest) ?? throw NoDataRows(path, columns);
            return new InputTable(reader, rest, columns, first, fingerprint) { IsWorkbook = TableReaders.IsWorkbook(path) };
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    internal static InputException NoDataRows(string path, ColumnMap columns) =>
        new($"{path}: has a header row (row {columns.HeaderRowNumber}) but no data rows") { Problem = InputProblem.NoDataRows };

    /// <summary>The rows read while looking for the header, then the rest.</summary>
    private static IEnumerator<RawRecord> Replay(IReadOnlyList<RawRecord> read, IEnumerator<RawRecord> rest)
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
}
