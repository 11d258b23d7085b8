using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkOnboard.Tests.Support;

/// <summary>A number cell shown with an Excel number format, such as "000000".</summary>
public sealed record Formatted(double Value, string Format);

/// <summary>Writes small .xlsx workbooks the way Excel stores them: numbers as numbers, dates as serials.</summary>
public sealed class WorkbookBuilder
{
    private readonly List<(string Name, List<object?[]?> Rows)> _sheets = [];

    /// <summary>Adds a sheet; a <c>null</c> row leaves an empty row in the sheet.</summary>
    public WorkbookBuilder Sheet(string name, params object?[]?[] rows)
    {
        _sheets.Add((name, rows.ToList()));
        return this;
    }

    public string Save(string path)
    {
        var formats = _sheets.SelectMany(s => s.Rows).Where(r => r is not null).SelectMany(r => r!).OfType<Formatted>().Select(f => f.Format).Distinct().ToList();
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook(new Sheets());
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Styles(formats);
        uint id = 1;
        foreach (var (name, rows) in _sheets)
        {
            var part = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            for (var r = 0; r < rows.Count; r++)
            {
                if (rows[r] is not { } cells)
                {
                    continue;
                }

                var row = new Row { RowIndex = (uint)(r + 1) };
                for (var c = 0; c < cells.Length; c++)
                {
                    if (Cell(cells[c], $"{(char)('A' + c)}{r + 1}", formats) is { } cell)
                    {
                        row.Append(cell);
                    }
                }

                data.Append(row);
            }

            part.Worksheet = new Worksheet(data);
            workbook.Workbook.Sheets!.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = id++, Name = name });
        }

        return path;
    }

    private static Cell? Cell(object? value, string reference, List<string> formats) => value switch
    {
        null => null,
        string text => new Cell { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) },
        double number => new Cell { CellReference = reference, CellValue = new CellValue(number) },
        int number => new Cell { CellReference = reference, CellValue = new CellValue(number) },
        long number => new Cell { CellReference = reference, CellValue = new CellValue((double)number) },
        DateTime date => new Cell { CellReference = reference, CellValue = new CellValue(date.ToOADate()), StyleIndex = 1 },
        Formatted f => new Cell { CellReference = reference, CellValue = new CellValue(f.Value), StyleIndex = (uint)(2 + formats.IndexOf(f.Format)) },
        _ => throw new ArgumentException($"unsupported cell {value.GetType()}"),
    };

    private static Stylesheet Styles(List<string> formats)
    {
        var numberingFormats = new NumberingFormats(formats.Select((f, i) => new NumberingFormat { NumberFormatId = (uint)(164 + i), FormatCode = f }));
        var cellFormats = new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true });
        for (var i = 0; i < formats.Count; i++)
        {
            cellFormats.Append(new CellFormat { NumberFormatId = (uint)(164 + i), ApplyNumberFormat = true });
        }

        return new Stylesheet(
            numberingFormats,
            new Fonts(new Font()),
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
            new Borders(new Border()),
            cellFormats);
    }
}
