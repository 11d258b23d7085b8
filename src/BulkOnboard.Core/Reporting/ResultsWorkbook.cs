using BulkOnboard.Input;
using BulkOnboard.Validation;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkOnboard.Reporting;

/// <summary>
/// <c>results.xlsx</c> for people who live in spreadsheets: the results table with a filter on the
/// header and the outcome coloured (green done, grey skipped, red invalid/failed, amber not attempted).
/// Rows are streamed to the file as they come.
/// </summary>
internal sealed class ResultsWorkbook : IDisposable
{
    private const uint HeaderStyle = 1;
    private const uint GreenStyle = 2;
    private const uint GreyStyle = 3;
    private const uint RedStyle = 4;
    private const uint AmberStyle = 5;

    private readonly SpreadsheetDocument _document;
    private readonly OpenXmlWriter _writer;
    private uint _rows;

    private ResultsWorkbook(string path)
    {
        Storage.PrivateFiles.Prepare(path);
        _document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = _document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = CreateStylesheet();
        var sheetPart = workbook.AddNewPart<WorksheetPart>();
        workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "results" }));

        _writer = OpenXmlWriter.Create(sheetPart);
        _writer.WriteStartElement(new Worksheet());
        _writer.WriteStartElement(new SheetData());
        WriteRow(ResultsReport.Columns.Select(c => Text(c, HeaderStyle)));
    }

    /// <summary>Writes <paramref name="path"/> from the finished, ordered <c>results.csv</c> at <paramref name="resultsCsv"/>.</summary>
    public static void Write(string path, string resultsCsv)
    {
        using var workbook = new ResultsWorkbook(path);
        using var csv = CsvHelper.CsvReader.Create(File.OpenRead(resultsCsv), new CsvHelper.CsvReaderOptions { HasHeader = true });
        while (csv.Read())
        {
            workbook.WriteLine(csv.Current.ToArray());
        }
    }

    private static readonly Dictionary<string, Outcome> Outcomes = Enum.GetValues<Outcome>().ToDictionary(o => o.ToReportWord(), StringComparer.Ordinal);

    /// <summary>One line of <c>results.csv</c> (its columns, <see cref="ResultsReport.Columns"/>), the outcome coloured.</summary>
    private void WriteLine(string[] line)
    {
        var style = Outcomes.GetValueOrDefault(line[3], Outcome.Failed) switch
        {
            Outcome.Created or Outcome.Invited or Outcome.Updated or Outcome.Valid => GreenStyle,
            Outcome.Skipped => GreyStyle,
            Outcome.NotAttempted => AmberStyle,
            _ => RedStyle,
        };
        WriteRow(line.Select((cell, i) => i switch
        {
            0 or 5 or 6 when int.TryParse(cell, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) => Number(number),
            3 => Text(cell, style),
            _ => Text(Unescaped(cell)),
        }));
    }

    /// <summary>
    /// A cell as it was before <see cref="Storage.ReportCsv"/> escaped it for a spreadsheet's formula parser: inline
    /// strings are never evaluated. (A value that itself began with an apostrophe and then one of those characters
    /// loses the apostrophe here; results.csv keeps it.)
    /// </summary>
    internal static string Unescaped(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && cell[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? cell[1..] : cell;

    public void Dispose()
    {
        _writer.WriteEndElement(); // SheetData
        _writer.WriteElement(new AutoFilter { Reference = $"A1:J{_rows}" });
        _writer.WriteEndElement(); // Worksheet
        _writer.Close();
        _document.Dispose();
    }

    private void WriteRow(IEnumerable<Cell> cells)
    {
        _rows++;
        _writer.WriteStartElement(new Row { RowIndex = _rows });
        foreach (var cell in cells)
        {
            _writer.WriteElement(cell);
        }

        _writer.WriteEndElement();
    }

    // Inline strings are never evaluated as formulas, so workbook cells need no escaping.
    private static Cell Text(string? value, uint style = 0) => new()
    {
        DataType = CellValues.InlineString,
        StyleIndex = style == 0 ? null : style,
        InlineString = new InlineString(new Text(value ?? string.Empty) { Space = SpaceProcessingModeValues.Preserve }),
    };

    private static Cell Number(int value) => new() { DataType = CellValues.Number, CellValue = new CellValue(value) };

    private static Stylesheet CreateStylesheet()
    {
        static Fill Solid(string rgb) => new(new PatternFill(new ForegroundColor { Rgb = rgb }) { PatternType = PatternValues.Solid });
        return new Stylesheet(
            new Fonts(new Font(), new Font(new Bold())),
            new Fills(
                new Fill(new PatternFill { PatternType = PatternValues.None }),
                new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
                Solid("FFC6EFCE"),
                Solid("FFE7E6E6"),
                Solid("FFFFC7CE"),
                Solid("FFFFEB9C")),
            new Borders(new Border()),
            new CellFormats(
                new CellFormat(),
                new CellFormat { FontId = 1, ApplyFont = true },
                new CellFormat { FillId = 2, ApplyFill = true },
                new CellFormat { FillId = 3, ApplyFill = true },
                new CellFormat { FillId = 4, ApplyFill = true },
                new CellFormat { FillId = 5, ApplyFill = true }));
    }
}
