using BulkOnboard.Validation;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkOnboard.Reporting;

/// <summary>
/// <c>results.xlsx</c> for people who live in spreadsheets: the results table (header frozen, a filter on it,
/// columns as wide as their content up to a cap, the outcome coloured: green done, grey skipped, red
/// invalid/failed, amber not attempted) and a <c>Summary</c> sheet with what <c>summary.json</c> says. Written
/// from the finished <c>results.csv</c> in two streamed passes (widths, then rows) straight into the zip
/// (<see cref="XlsxPackage"/>), to a temporary file moved into place: memory does not grow with the rows.
/// </summary>
internal static class ResultsWorkbook
{
    /// <summary>The widest a column gets, in characters: a long message wraps the screen, not the column.</summary>
    public const int MaxWidth = 60;

    private const string ResultsSheet = "results";

    /// <summary>The most lines a worksheet holds below its header (Excel's 1,048,576 rows).</summary>
    public const int MaxLines = 1_048_575;

    /// <summary>
    /// Writes <paramref name="path"/> from the ordered <c>results.csv</c> at <paramref name="resultsCsv"/> and the run's
    /// <paramref name="summary"/>; returns the number of result lines, and writes nothing when they are more than a
    /// worksheet holds (<see cref="MaxLines"/>): a workbook cut short would not be the run's results.
    /// </summary>
    /// <param name="maxLines">The most lines written (<see cref="MaxLines"/>; less only in tests).</param>
    public static int Write(string path, string resultsCsv, RunSummary summary, int maxLines = MaxLines)
    {
        var (widths, lines) = Measure(resultsCsv);
        if (lines > maxLines)
        {
            return lines;
        }

        var (lastColumn, lastRow) = (WorkbookCells.ColumnName(ResultsReport.Columns.Length - 1), lines + 1);
        var filter = $"A1:{lastColumn}{lastRow}";

        // Excel keeps a filter's range under this hidden name; without it some versions drop the filter.
        var names = new DefinedNames(new DefinedName($"{ResultsSheet}!$A$1:${lastColumn}${lastRow}") { Name = "_xlnm._FilterDatabase", LocalSheetId = 0, Hidden = true });
        Storage.PrivateFiles.WriteAtomically(path, stream => XlsxPackage.Write(stream, WorkbookCells.Stylesheet(),
            [(ResultsSheet, writer => WriteResults(writer, resultsCsv, widths, filter)), ("Summary", writer => SummarySheet.Write(writer, summary))], names));
        return lines;
    }

    private static readonly Dictionary<string, Outcome> Outcomes = Enum.GetValues<Outcome>().ToDictionary(o => o.ToReportWord(), StringComparer.Ordinal);

    private static void WriteResults(OpenXmlWriter writer, string resultsCsv, int[] widths, string filter)
    {
        writer.WriteStartElement(new Worksheet());
        writer.WriteElement(WorkbookCells.FrozenHeader());
        writer.WriteElement(new Columns(widths.Select((width, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = width, CustomWidth = true })));
        writer.WriteStartElement(new SheetData());
        var sheet = new SheetWriter(writer);
        uint row = 1;
        sheet.WriteRow(row, ResultsReport.Columns.Select(c => WorkbookCells.Text(c, WorkbookCells.HeaderStyle)));
        using var csv = ReadResults(resultsCsv);
        while (csv.Read())
        {
            sheet.WriteRow(++row, Line(csv.Current.ToArray()));
        }

        writer.WriteEndElement(); // SheetData
        writer.WriteElement(new AutoFilter { Reference = filter });
        writer.WriteEndElement(); // Worksheet
    }

    /// <summary>
    /// One line of <c>results.csv</c> (<see cref="ResultsReport.Columns"/>), the outcome coloured. Every cell the
    /// person's data or Tallyfy's ids fill is text, never a number or a date; only the counts BulkOnboard writes
    /// (row, HTTP status, attempts) are numbers, so the rows sort as a spreadsheet numbers them.
    /// </summary>
    private static IEnumerable<SheetCell> Line(string[] line)
    {
        var style = Outcomes.GetValueOrDefault(line.Length > 3 ? line[3] : string.Empty, Outcome.Failed) switch
        {
            Outcome.Created or Outcome.Invited or Outcome.Updated or Outcome.Valid => WorkbookCells.GreenStyle,
            Outcome.Skipped => WorkbookCells.GreyStyle,
            Outcome.NotAttempted => WorkbookCells.AmberStyle,
            _ => WorkbookCells.RedStyle,
        };
        return line.Select((cell, i) => i switch
        {
            0 or 5 or 6 when int.TryParse(cell, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) => WorkbookCells.Number(number),
            3 => WorkbookCells.Text(cell, style),
            _ => WorkbookCells.Text(Unescaped(cell)),
        });
    }

    /// <summary>The first pass: each column's width (its widest cell, as a spreadsheet shows it, capped) and the number of lines.</summary>
    private static (int[] Widths, int Lines) Measure(string resultsCsv)
    {
        // The header's own width, and room for the filter's button beside it.
        var widths = ResultsReport.Columns.Select(c => WorkbookCells.DisplayWidth(c) + 3).ToArray();
        var lines = 0;
        using var csv = ReadResults(resultsCsv);
        while (csv.Read())
        {
            lines++;
            var cells = csv.Current;
            for (var i = 0; i < Math.Min(cells.FieldCount, widths.Length); i++)
            {
                if (widths[i] < MaxWidth)
                {
                    widths[i] = Math.Max(widths[i], WorkbookCells.DisplayWidth(Unescaped(cells.GetString(i))) + 1);
                }
            }
        }

        return ([.. widths.Select(w => Math.Min(w, MaxWidth))], lines);
    }

    // A byte order mark (Reports:ExcelBom) is the reader's to skip: it is not part of the first column's name.
    private static CsvHelper.CsvReader ReadResults(string path) =>
        CsvHelper.CsvReader.Create(File.OpenRead(path), new CsvHelper.CsvReaderOptions { HasHeader = true });

    /// <summary>
    /// A cell as it was before <see cref="Storage.ReportCsv"/> escaped it for a spreadsheet's formula parser: inline
    /// strings are never evaluated. (A value that itself began with an apostrophe and then one of those characters
    /// loses the apostrophe here; results.csv keeps it.)
    /// </summary>
    internal static string Unescaped(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && cell[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? cell[1..] : cell;
}
