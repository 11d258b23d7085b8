using System.Text;
using CsvHelper;

namespace BulkOnboard.Input;

/// <summary>
/// Reads delimited text with CsvHelper: separator detected among <c>, ; tab |</c>; encoding from the
/// byte order mark, else UTF-8 when the bytes are valid UTF-8, else Windows-1252.
/// </summary>
internal sealed class CsvTableReader : ITableReader
{
    // Guards against an unclosed quote swallowing a huge file into one record.
    private const int MaxRecordBytes = 4 * 1024 * 1024;

    private readonly CsvReader _reader;
    private readonly string _encodingName;

    public CsvTableReader(string path, InputFingerprint fingerprint)
    {
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

        var stream = InputFile.OpenRead(path);
        _reader = CsvReader.Create(stream, new CsvReaderOptions
        {
            HasHeader = false,
            SkipEmptyLines = false,
            Encoding = encoding,
            MaxRecordSize = MaxRecordBytes,
        });
    }

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
            yield return new RawRecord(rowNumber, _reader.Current.ToArray());
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
            throw new InputException($"malformed CSV: {ex.Message}", ex);
        }
    }
}
