using System.Buffers;
using System.Text;
using CsvHelper;

namespace BulkOnboard.Input;

/// <summary>What the first pass over a CSV file found, for the pass that reads its rows.</summary>
/// <param name="Garbled">The records (numbered as read) with text after a closing quote: their cells cannot be trusted.</param>
/// <param name="Warnings">Quoting problems read past (a stray quote kept as text), one line each, for the log.</param>
internal sealed record CsvChecks(InputFingerprint Fingerprint, IReadOnlySet<int> Garbled, IReadOnlyList<string> Warnings);

/// <summary>
/// The first pass over a CSV file, the one made before any row is used: the file's fingerprint is taken from the
/// bytes as the parser reads them (<see cref="FingerprintingStream"/>), and its quoting is checked record by record.
/// Rows are streamed and sent while the file is still being read, so a quote left open must be found first:
/// otherwise every row after it folds into one cell of the row that opened it and is silently sent as data.
/// CsvHelper's malformed-record hook reports every quoting problem: a field never closed stops the run; the ones
/// it recovers from (a stray quote inside a field, text after a closing quote) are kept as text and logged.
/// A record's cells are decoded only when asked for (<see cref="Decode"/>); Ctrl+C/SIGTERM ends the pass.
/// </summary>
internal sealed class CsvScan : IDisposable
{
    private readonly string _name;
    private readonly FingerprintingStream _stream;
    private readonly CsvReader _reader;
    private readonly bool _encodingUnknown;
    private readonly HashSet<int> _garbled = [];
    private readonly List<(long Record, CsvMalformedReason Reason)> _recovered = [];
    private SearchValues<byte>? _text;
    private CsvChecks? _checks;
    private bool _unclosed;
    private long _previousStart = 1;

    /// <summary>
    /// Opens the file. <paramref name="encoding"/> <c>null</c>: not known yet (no pass has read the file), so, without a
    /// byte order mark, a record whose bytes are not UTF-8 is decoded as Windows-1252, the encoding such a file is read in.
    /// </summary>
    public CsvScan(string path, Encoding? encoding, CancellationToken cancellationToken)
    {
        _name = Path.GetFileName(path);
        _stream = FingerprintingStream.Open(path, cancellationToken);
        try
        {
            // A byte order mark settles the encoding from the first bytes; only without one is it known at the end.
            _encodingUnknown = encoding is null && InputFingerprint.DetectBom(_stream.Head) is null;
            if (InputFingerprint.DetectBom(_stream.Head) is null && InputFingerprint.LooksLikeBinary(_stream.Head))
            {
                throw new InputException($"{path}: this is not a text file (it looks like binary data); expected CSV or Excel");
            }

            _reader = CsvReader.Create(_stream, CsvTableReader.Options(encoding) with { TrackLineNumbers = true, OnMalformedRecord = Malformed });
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file holds no byte at all.</summary>
    public bool IsEmpty => _stream.Head.IsEmpty;

    /// <summary>The current record's number, counted as a spreadsheet would (blank lines count, line breaks inside quotes do not).</summary>
    public int RowNumber { get; private set; }

    /// <summary>
    /// Whether a record was decoded as UTF-8 although it held other than ASCII: if the file turns out not to be
    /// UTF-8 (Windows-1252), those cells were read in the wrong encoding and the pass must be made again.
    /// </summary>
    public bool DecodedNonAsciiAsUtf8 { get; private set; }

    /// <summary>Every record, decoded.</summary>
    public IEnumerable<RawRecord> Records()
    {
        while (Read())
        {
            yield return Decode();
        }
    }

    /// <summary>Moves to the next record, checking its quoting; <c>false</c> at the end of the file.</summary>
    public bool Read()
    {
        try
        {
            if (!_reader.Read())
            {
                return false;
            }
        }
        catch (CsvFormatException ex)
        {
            throw new InputException(_stream.SawQuote
                ? $"{_name}: malformed CSV: row {RowNumber + 1} opens a quoted field that runs on for more than {CsvTableReader.MaxRecordBytes / (1024 * 1024)} MB (a \" is probably missing); nothing was sent"
                : $"{_name}: malformed CSV: {ex.Message}", ex);
        }

        RowNumber++;
        if (_unclosed)
        {
            throw new InputException($"{_name}: malformed CSV: row {RowNumber} opens a quoted field that is never closed (a \" is missing); nothing was sent");
        }

        if (_reader.LineNumber - _previousStart > CsvTableReader.MaxRecordLines)
        {
            throw RunsOver(RowNumber - 1);
        }

        _previousStart = _reader.LineNumber;
        return true;
    }

    /// <summary>
    /// Whether the current record holds text (a character that is neither a separator, a quote nor white space),
    /// told from its bytes without decoding it: then it is no blank row, whatever the file's encoding.
    /// </summary>
    public bool HasText()
    {
        _text ??= SearchValues.Create([.. Enumerable.Range(0, 128).Select(b => (byte)b).Where(b => !char.IsWhiteSpace((char)b) && b != '"' && b != _reader.Separator)]);
        return _reader.RawRecord.ContainsAny(_text);
    }

    /// <summary>The current record's cells, decoded as the pass that reads the rows will decode them.</summary>
    public RawRecord Decode()
    {
        string[] cells;
        var raw = _reader.RawRecord;
        if (!_encodingUnknown || System.Text.Unicode.Utf8.IsValid(raw))
        {
            cells = _reader.Current.ToArray();
            DecodedNonAsciiAsUtf8 |= _encodingUnknown && !Ascii.IsValid(raw);
        }
        else
        {
            cells = new string[_reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = LegacyEncodings.Windows1252.GetString(_reader.GetSpan(i));
            }
        }

        return _garbled.Contains(RowNumber) ? new RawRecord(RowNumber, cells) { Problem = CsvTableReader.GarbledProblem } : new RawRecord(RowNumber, cells);
    }

    /// <summary>Reads the rest of the file and returns what the pass found; a last record that runs on to the end of the file is refused here.</summary>
    public CsvChecks Finish()
    {
        if (_checks is not null)
        {
            return _checks;
        }

        while (Read())
        {
        }

        var fingerprint = _stream.Finish();

        // The last record ends with the file.
        if (fingerprint.LineBreaks - _previousStart >= CsvTableReader.MaxRecordLines)
        {
            throw RunsOver(RowNumber);
        }

        var warnings = _recovered.Take(5).Select(r => $"{_name}: record {r.Record}: {Describe(r.Reason)}; read as text").ToList();
        if (_recovered.Count > 5)
        {
            warnings.Add($"{_name}: {_recovered.Count - 5} more records with quoting problems, read as text");
        }

        return _checks = new CsvChecks(fingerprint, _garbled, warnings);
    }

    public void Dispose() => _reader.Dispose();

    private void Malformed(CsvMalformedRecord record)
    {
        if (record.Reason == CsvMalformedReason.UnterminatedQuote)
        {
            _unclosed = true;
            return;
        }

        _recovered.Add((record.RecordNumber, record.Reason));
        if (record.Reason == CsvMalformedReason.TextAfterClosingQuote)
        {
            // "a@x.example"z reads as a@x.example z: an address nobody wrote. The row is invalid.
            _garbled.Add(RowNumber + 1);
        }
    }

    private InputException RunsOver(int row) =>
        new($"{_name}: malformed CSV: row {row} opens a quoted field that runs over more than {CsvTableReader.MaxRecordLines:N0} lines (a \" is probably missing); nothing was sent");

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
        CsvMalformedReason.FieldCountMismatch => "a different number of fields",
        _ => reason.ToString(),
    };
}
