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

    private readonly CsvReader _reader;
    private readonly string _encodingName;
    private readonly string _fileName;
    private readonly List<string> _warnings = [];

    // Records (numbered as they are read) whose cells CsvHelper had to guess.
    private readonly HashSet<int> _garbled = [];

    /// <summary>Opens the file; a quoted field left open, or one that runs on past the limits, is refused here, before any row is read.</summary>
    public CsvTableReader(string path, InputFingerprint fingerprint, CancellationToken cancellationToken = default)
    {
        _fileName = Path.GetFileName(path);
        if (fingerprint.LooksBinary)
        {
            throw new InputException($"{path}: this is not a text file (it looks like binary data); expected CSV or Excel");
        }

        Encoding? encoding = null;
        if (fingerprint.BomEncoding is { } bom)
        {
            _encodingName = bom switch
            {
                UTF8Encoding => "UTF-8 with BOM",
                UnicodeEncoding u when u.CodePage == 1201 => "UTF-16 BE",
                UnicodeEncoding => "UTF-16 LE",
                _ => bom.WebName.ToUpperInvariant(),
            };
        }
        else if (fingerprint.IsValidUtf8)
        {
            _encodingName = "UTF-8";
        }
        else
        {
            encoding = LegacyEncodings.Windows1252;
            _encodingName = "Windows-1252";
        }

        var options = new CsvReaderOptions
        {
            HasHeader = false,
            SkipEmptyLines = false,
            Encoding = encoding,
            MaxRecordSize = MaxRecordBytes,
        };
        if (fingerprint.HasQuotes)
        {
            CheckQuoting(path, fingerprint, options, cancellationToken);
        }

        _reader = CsvReader.Create(InputFile.OpenRead(path), options);
    }

    /// <summary>Quoting problems CsvHelper recovered from (a stray quote kept as text), one line each, for the log.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

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
            yield return _garbled.Contains(rowNumber)
                ? new RawRecord(rowNumber, _reader.Current.ToArray()) { Problem = "a cell has text after its closing quote (\"...\"x): it cannot be read for sure; fix the file" }
                : new RawRecord(rowNumber, _reader.Current.ToArray());
        }
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>
    /// One pass over the records before any is used. Rows are streamed and sent while the file is still
    /// being read, so a quote left open must be found first: otherwise every row after it folds into one
    /// cell of the row that opened it and is silently sent as data. CsvHelper's malformed-record hook
    /// reports every quoting problem: a field never closed stops the run; the ones it recovers from
    /// (a stray quote inside a field, text after a closing quote) are kept as text and logged.
    /// </summary>
    private void CheckQuoting(string path, InputFingerprint fingerprint, CsvReaderOptions options, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var unclosed = false;
        var recovered = new List<(long Record, CsvMalformedReason Reason)>();
        var row = 0;
        using var reader = CsvReader.Create(InputFile.OpenRead(path), options with
        {
            TrackLineNumbers = true,
            OnMalformedRecord = record =>
            {
                if (record.Reason == CsvMalformedReason.UnterminatedQuote)
                {
                    unclosed = true;
                }
                else
                {
                    recovered.Add((record.RecordNumber, record.Reason));
                    if (record.Reason == CsvMalformedReason.TextAfterClosingQuote)
                    {
                        // "a@x.example"z reads as a@x.example z: an address nobody wrote. The row is invalid.
                        _garbled.Add(row + 1);
                    }
                }
            },
        });
        long previousStart = 1;
        try
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                row++;
                if (unclosed)
                {
                    throw new InputException($"{name}: malformed CSV: row {row} opens a quoted field that is never closed (a \" is missing); nothing was sent");
                }

                if (reader.LineNumber - previousStart > MaxRecordLines)
                {
                    throw new InputException($"{name}: malformed CSV: row {row - 1} opens a quoted field that runs over more than {MaxRecordLines:N0} lines (a \" is probably missing); nothing was sent");
                }

                previousStart = reader.LineNumber;
            }

            // The last record ends with the file.
            if (fingerprint.LineBreaks - previousStart >= MaxRecordLines)
            {
                throw new InputException($"{name}: malformed CSV: row {row} opens a quoted field that runs over more than {MaxRecordLines:N0} lines (a \" is probably missing); nothing was sent");
            }
        }
        catch (CsvFormatException)
        {
            throw new InputException($"{name}: malformed CSV: row {row + 1} opens a quoted field that runs on for more than {MaxRecordBytes / (1024 * 1024)} MB (a \" is probably missing); nothing was sent");
        }

        foreach (var (record, reason) in recovered.Take(5))
        {
            _warnings.Add($"{name}: record {record}: {Describe(reason)}; read as text");
        }

        if (recovered.Count > 5)
        {
            _warnings.Add($"{name}: {recovered.Count - 5} more records with quoting problems, read as text");
        }
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
        CsvMalformedReason.FieldCountMismatch => "a different number of fields",
        _ => reason.ToString(),
    };

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
