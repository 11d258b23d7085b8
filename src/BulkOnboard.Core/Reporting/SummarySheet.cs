using System.Text.Json;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkOnboard.Reporting;

/// <summary>
/// The <c>Summary</c> sheet of <c>results.xlsx</c>: one line for each value of <c>summary.json</c>, under the same
/// name (<c>created</c>, <c>exit_code</c>, <c>input_sha256</c>; nested ones dotted, <c>skipped_reasons.filtered</c>),
/// taken from the same serialization, so the two never disagree. Counts are numbers, everything else text.
/// </summary>
internal static class SummarySheet
{
    public static void Write(OpenXmlWriter writer, RunSummary summary)
    {
        var lines = new List<(string Name, JsonElement Value)>();
        Flatten(string.Empty, summary.ToJson(), lines);

        writer.WriteStartElement(new Worksheet());
        writer.WriteElement(WorkbookCells.FrozenHeader());
        var nameWidth = Math.Min(ResultsWorkbook.MaxWidth, lines.Max(l => l.Name.Length) + 3);
        var valueWidth = Math.Min(ResultsWorkbook.MaxWidth, Math.Max(10, lines.Max(l => WorkbookCells.DisplayWidth(l.Value.ToString())) + 2));
        writer.WriteElement(new Columns(
            new Column { Min = 1, Max = 1, Width = nameWidth, CustomWidth = true },
            new Column { Min = 2, Max = 2, Width = valueWidth, CustomWidth = true }));
        writer.WriteStartElement(new SheetData());
        var sheet = new SheetWriter(writer);
        uint row = 1;
        sheet.WriteRow(row, [WorkbookCells.Text("summary", WorkbookCells.HeaderStyle), WorkbookCells.Text("value", WorkbookCells.HeaderStyle)]);
        foreach (var (name, value) in lines)
        {
            sheet.WriteRow(++row, [WorkbookCells.Text(name), Cell(value)]);
        }

        writer.WriteEndElement(); // SheetData
        writer.WriteEndElement(); // Worksheet
    }

    private static SheetCell Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var whole) => WorkbookCells.Number(whole),
        JsonValueKind.Number => WorkbookCells.Number(value.GetDouble()),
        JsonValueKind.String => WorkbookCells.Text(value.GetString()),
        _ => WorkbookCells.Text(value.GetRawText()),
    };

    private static void Flatten(string prefix, JsonElement element, List<(string, JsonElement)> lines)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}", property.Value, lines);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten($"{prefix}.{i++}", item, lines);
                }

                break;
            default:
                lines.Add((prefix, element));
                break;
        }
    }
}
