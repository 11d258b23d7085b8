using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkOnboard.Tests.Support;

/// <summary>A workbook BulkOnboard wrote, read back with DocumentFormat.OpenXml: its sheets' cells, views, widths and filter.</summary>
public sealed class WorkbookReadBack : IDisposable
{
    private readonly SpreadsheetDocument _document;

    public WorkbookReadBack(string path) => _document = SpreadsheetDocument.Open(path, isEditable: false);

    public SpreadsheetDocument Document => _document;

    public IReadOnlyList<string> SheetNames => [.. _document.WorkbookPart!.Workbook.Descendants<Sheet>().Select(s => s.Name!.Value!)];

    public Worksheet Sheet(string name)
    {
        var sheet = _document.WorkbookPart!.Workbook.Descendants<Sheet>().Single(s => s.Name == name);
        return ((WorksheetPart)_document.WorkbookPart.GetPartById(sheet.Id!)).Worksheet;
    }

    /// <summary>Each row's cells as text (an inline string's text, a number's digits), in column order.</summary>
    public List<string[]> Rows(string sheet) =>
        [.. Sheet(sheet).Descendants<Row>().Select(r => r.Elements<Cell>().Select(Text).ToArray())];

    /// <summary>The cells of <paramref name="sheet"/> (header included), each with its type.</summary>
    public IEnumerable<Cell> Cells(string sheet) => Sheet(sheet).Descendants<Cell>();

    /// <summary>The rows the frozen pane keeps in sight (its <c>ySplit</c>), or <c>null</c> when nothing is frozen.</summary>
    public double? FrozenRows(string sheet) =>
        Sheet(sheet).Descendants<Pane>().SingleOrDefault(p => p.State?.Value == PaneStateValues.Frozen)?.VerticalSplit?.Value;

    /// <summary>Each column's width, by its 1-based number.</summary>
    public Dictionary<uint, double> Widths(string sheet) =>
        Sheet(sheet).Descendants<Column>().ToDictionary(c => c.Min!.Value, c => c.Width!.Value);

    public string? Filter(string sheet) => Sheet(sheet).Descendants<AutoFilter>().SingleOrDefault()?.Reference?.Value;

    public static string Text(Cell cell) => cell.DataType?.Value == CellValues.InlineString ? cell.InlineString!.InnerText : cell.CellValue?.Text ?? string.Empty;

    public void Dispose() => _document.Dispose();
}
