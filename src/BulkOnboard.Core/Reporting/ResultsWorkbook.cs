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

    public ResultsWorkbook(string path)
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

    public void Write(RowResult result)
    {
        var style = result.Outcome switch
        {
            Outcome.Created or Outcome.Invited or Outcome.Updated or Outcome.Valid => GreenStyle,
            Outcome.Skipped => GreyStyle,
            Outcome.NotAttempted => AmberStyle,
            _ => RedStyle,
        };
        WriteRow(
        [
            Number(result.RowNumber),
            Text(result.Kind?.ToWord()),
            Text(result.Email),
            Text(result.Outcome.ToReportWord(), style),
            Text(result.Reason),
            result.HttpStatus is { } status ? Number(status) : Text(null),
            Number(result.Attempts),
            Text(result.TallyfyId),
            Text(result.Message),
            Text(result.RequestId),
        ]);
    }

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
