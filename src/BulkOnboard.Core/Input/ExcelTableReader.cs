using ExcelDataReader;
using ExcelDataReader.Exceptions;

namespace BulkOnboard.Input;

/// <summary>
/// Reads one worksheet of an .xlsx or .xls workbook with ExcelDataReader, row by row: the first sheet,
/// or the one <c>--sheet</c> names. Rows are numbered as Excel numbers them.
/// </summary>
internal sealed class ExcelTableReader : ITableReader
{
    /// <summary>
    /// The most cells a sheet's grid may hold (its rows times its widest row), which is what reading
    /// costs: a few hundred bytes can declare a cell at XFD1048576, a grid of 17 billion cells. Twenty
    /// million is a million people with twenty columns.
    /// </summary>
    public const long MaxCells = 20_000_000;

    /// <summary>The most bytes a workbook's parts may expand to (what its zip declares), for .xlsx.</summary>
    public const long MaxExpandedBytes = 512L * 1024 * 1024;

    private long _cellsRead;
    private readonly IExcelDataReader _reader;
    private readonly string _sheet;
    private readonly string _format;

    // Workbooks from Excel for Mac count dates from 1904; ExcelDataReader 3.6 reads every date as if from 1900.
    private readonly TimeSpan _dateShift;

    public ExcelTableReader(string path, string? sheet)
    {
        LegacyEncodings.EnsureRegistered();
        _format = Path.GetExtension(path).ToLowerInvariant();
        if (_format == ".xlsx")
        {
            CheckExpandedSize(path);
        }

        _dateShift = _format == ".xlsx" && Uses1904DateSystem(path) ? TimeSpan.FromDays(1462) : TimeSpan.Zero;
        var stream = InputFile.OpenRead(path);
        try
        {
            _reader = ExcelReaderFactory.CreateReader(stream);
            _sheet = MoveToSheet(path, sheet);
            if ((long)_reader.RowCount * _reader.FieldCount > MaxCells)
            {
                throw TooManyCells(path, $"{_reader.RowCount:N0} rows of {_reader.FieldCount:N0} columns");
            }
        }
        catch (Exception ex) when (Describe(path, ex) is { } message)
        {
            stream.Dispose();
            throw new InputException(message, ex);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public string Description => $"Excel workbook ({_format}), sheet '{_sheet}'";

    /// <summary>The rows of the sheet, as the workbook states them (blank rows too).</summary>
    public int SheetRows => _reader.RowCount;

    public IEnumerable<RawRecord> ReadRecords(CancellationToken cancellationToken)
    {
        while (Read())
        {
            cancellationToken.ThrowIfCancellationRequested();

            // The sheet's size was checked when it was opened; this holds even if the workbook lied about it.
            _cellsRead += _reader.FieldCount;
            if (_cellsRead > MaxCells)
            {
                throw TooManyCells("the workbook", $"more than {MaxCells:N0} cells read");
            }

            var cells = new string[_reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                // Only numbers need their format (zero-padded ids); asking for it is not free.
                cells[i] = _reader.GetValue(i) switch
                {
                    double number => ExcelCellText.Format(number, _reader.GetNumberFormatString(i)),
                    DateTime date => ExcelCellText.Format(date + _dateShift, null),
                    var value => ExcelCellText.Format(value, null),
                };
            }

            yield return new RawRecord(_reader.Depth + 1, TrimTrailingEmpty(cells));
        }
    }

    public void Dispose() => _reader.Dispose();

    private bool Read()
    {
        try
        {
            return _reader.Read();
        }
        catch (Exception ex) when (Describe("the workbook", ex) is { } message)
        {
            throw new InputException(message, ex);
        }
    }

    /// <summary>Positions the reader on the sheet to read; returns its name.</summary>
    private string MoveToSheet(string path, string? wanted)
    {
        if (string.IsNullOrWhiteSpace(wanted))
        {
            return _reader.Name;
        }

        var names = new List<string>();
        do
        {
            if (string.Equals(_reader.Name, wanted.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return _reader.Name;
            }

            names.Add(_reader.Name);
        }
        while (_reader.NextResult());

        throw new InputException($"{path}: no sheet named '{wanted}'; the workbook has: {string.Join(", ", names.Select(n => $"'{n}'"))}");
    }

    private static string? Describe(string path, Exception exception) => exception switch
    {
        InputException => null,
        InvalidPasswordException => $"{path}: the workbook is password-protected; remove the password in Excel (File > Info > Protect Workbook) or save the sheet as CSV",
        HeaderException or CompoundDocumentException or InvalidDataException or System.Xml.XmlException
            => $"{path}: not a readable Excel workbook (damaged, or not really {Path.GetExtension(path)}): {exception.Message}",
        ExcelReaderException => $"{path}: cannot read the workbook: {exception.Message}",
        _ => null,
    };

    private static InputException TooManyCells(string path, string what) =>
        new($"{Path.GetFileName(path)}: the sheet spans {what}, more than the {MaxCells:N0} cells BulkOnboard reads (a cell far to the right or far down, even an empty one, makes the whole grid count); delete the stray cells or save the sheet as CSV");

    /// <summary>What the workbook's parts expand to, as its zip declares, within <see cref="MaxExpandedBytes"/>.</summary>
    private static void CheckExpandedSize(string path)
    {
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            var expanded = zip.Entries.Sum(e => e.Length);
            if (expanded > MaxExpandedBytes)
            {
                throw new InputException($"{Path.GetFileName(path)}: the workbook expands to {expanded / (1024 * 1024):N0} MB, more than the {MaxExpandedBytes / (1024 * 1024)} MB BulkOnboard reads; save the sheet as CSV");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // Not a zip, or damaged: ExcelDataReader reports it with a better message.
        }
    }

    private static bool Uses1904DateSystem(string path)
    {
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            var workbook = zip.GetEntry("xl/workbook.xml");
            if (workbook is null)
            {
                return false;
            }

            using var reader = System.Xml.XmlReader.Create(workbook.Open());
            while (reader.Read())
            {
                if (reader.NodeType == System.Xml.XmlNodeType.Element && reader.LocalName == "workbookPr")
                {
                    return reader.GetAttribute("date1904") is "1" or "true";
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or System.Xml.XmlException)
        {
            // Encrypted or damaged: ExcelDataReader reports it with a better message.
        }

        return false;
    }

    /// <summary>Sheets often carry formatted but empty columns to the right; they are not data.</summary>
    private static string[] TrimTrailingEmpty(string[] cells)
    {
        var length = cells.Length;
        while (length > 0 && cells[length - 1].Length == 0)
        {
            length--;
        }

        return length == cells.Length ? cells : cells[..length];
    }
}
