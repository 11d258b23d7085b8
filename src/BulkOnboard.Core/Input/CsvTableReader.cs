using System.Text;
using CsvHelper;

namespace BulkOnboard.Input;

/// <summary>
/// Reads delimited text with CsvHelper: separator detected among <c>, ; tab |</c>; encoding from the
/// byte order mark, else UTF-8 when the bytes are valid UTF-8, else Windows-1252.
/// </summary>
internal sealed class CsvTableReader : ITableReader
{
    /// <summary>
    /// The largest record, in bytes: far above any real row (Tallyfy's longest field is 5,000
    /// characters), so a longer one is a quote left open swallowing the rows after it.
    /// </summary>
    public const int MaxRecordBytes = 1024 * 1024;

    /// <summary>The most lines one record may span (line breaks inside quotes): past it, a quote was left open.</summary>
    public const int MaxRecordLines = 1_000;

    /// <summary>Why the cells of a record with text after a closing quote cannot be trusted.</summary>
    public const string GarbledProblem = "a cell has text after its closing quote (\"...\"x): it cannot be read for sure; fix the file";

    private readonly CsvReader _reader;
    private readonly string _encodingName;
    private readonly string _fileName;
    private readonly CsvChecks _checks;

    /// <summary>Opens the file for its rows, after the first pass (<see cref="CsvScan"/>) took its fingerprint and checked its quoting.</summary>
    public CsvTableReader(string path, CsvChecks checks)
    {
        _fileName = Path.GetFileName(path);
        _checks = checks;
        (var encoding, _encodingName) = EncodingOf(checks.Fingerprint);
        _reader = CsvReader.Create(InputFile.OpenRead(path), Options(encoding));
    }

    /// <summary>Both passes over a file, for a caller that wants its raw records only (no header, no row count).</summary>
    public static CsvTableReader Open(string path, CancellationToken cancellationToken = default)
    {
        CsvChecks checks;
        using (var scan = new CsvScan(path, encoding: null, cancellationToken))
        {
            checks = scan.Finish();
        }

        return new CsvTableReader(path, checks);
    }

    /// <summary>How the file is decoded: a byte order mark's encoding, else UTF-8 when its bytes are valid UTF-8, else Windows-1252 (<c>null</c>: CsvHelper's own UTF-8 and BOM handling).</summary>
    public static (Encoding? Encoding, string Name) EncodingOf(InputFingerprint fingerprint) => fingerprint switch
    {
        { BomEncoding: UTF8Encoding } => (null, "UTF-8 with BOM"),
        { BomEncoding: UnicodeEncoding { CodePage: 1201 } } => (null, "UTF-16 BE"),
        { BomEncoding: UnicodeEncoding } => (null, "UTF-16 LE"),
        { BomEncoding: { } bom } => (null, bom.WebName.ToUpperInvariant()),
        { IsValidUtf8: true } => (null, "UTF-8"),
        _ => (LegacyEncodings.Windows1252, "Windows-1252"),
    };

    /// <summary>The reader's options, the same for both passes so that they number and split records alike.</summary>
    public static CsvReaderOptions Options(Encoding? encoding) => new()
    {
        HasHeader = false,
        SkipEmptyLines = false,
        Encoding = encoding,
        MaxRecordSize = MaxRecordBytes,
    };

    /// <summary>Quoting problems CsvHelper recovered from (a stray quote kept as text), one line each, for the log.</summary>
    public IReadOnlyList<string> Warnings => _checks.Warnings;

    public string Description
    {
        get
        {
            var separator = _reader.Separator switch
            {
                '\t' => "tab",
                var c => $"'{c}'",
            };
            return $"CSV, {_encodingName}, separator {separator}";
        }
    }

    public IEnumerable<RawRecord> ReadRecords(CancellationToken cancellationToken)
    {
        var rowNumber = 0;
        while (Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            rowNumber++;
            yield return _checks.Garbled.Contains(rowNumber)
                ? new RawRecord(rowNumber, _reader.Current.ToArray()) { Problem = GarbledProblem }
                : new RawRecord(rowNumber, _reader.Current.ToArray());
        }
    }

    public void Dispose() => _reader.Dispose();

    private bool Read()
    {
        try
        {
            return _reader.Read();
        }
        catch (CsvFormatException ex)
        {
            throw new InputException($"{_fileName}: malformed CSV: {ex.Message}", ex);
        }
    }
}
