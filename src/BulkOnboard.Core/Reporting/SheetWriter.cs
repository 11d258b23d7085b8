using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkOnboard.Reporting;

/// <summary>One cell to write: text (already made fit for XML, <see cref="WorkbookCells.ForXml"/>) or a number's digits, and its style.</summary>
internal readonly record struct SheetCell(string Value, bool IsNumber, uint Style = 0);

/// <summary>
/// Writes a sheet's rows through <see cref="OpenXmlWriter"/>'s streaming calls rather than as element objects (a
/// results line is twelve cells; 100,000 lines of element trees took twice as long). An empty cell is written
/// with no value at all, and <c>xml:space="preserve"</c> only where spaces at an end must be kept: most cells of a
/// results line are empty, and this halves the sheet.
/// </summary>
internal sealed class SheetWriter(OpenXmlWriter writer)
{
    private static readonly OpenXmlAttribute InlineType = new("t", string.Empty, "inlineStr");
    private static readonly OpenXmlAttribute[] Preserve = [new("xml", "space", "http://www.w3.org/XML/1998/namespace", "preserve")];

    // What the writer needs of an element is its name: one of each serves every cell.
    private readonly Row _row = new();
    private readonly Cell _cell = new();
    private readonly InlineString _inline = new();
    private readonly Text _text = new();
    private readonly CellValue _value = new();

    // By style: the attributes of an empty cell, and of a text cell.
    private readonly Dictionary<uint, (OpenXmlAttribute[] Empty, OpenXmlAttribute[] Text)> _attributes = [];

    public void WriteRow(uint index, IEnumerable<SheetCell> cells)
    {
        writer.WriteStartElement(_row, [new OpenXmlAttribute("r", string.Empty, index.ToString(CultureInfo.InvariantCulture))]);
        foreach (var cell in cells)
        {
            var attributes = Attributes(cell.Style);
            if (cell.Value.Length == 0)
            {
                writer.WriteStartElement(_cell, attributes.Empty);
            }
            else if (cell.IsNumber)
            {
                writer.WriteStartElement(_cell, attributes.Empty);
                writer.WriteStartElement(_value);
                writer.WriteString(cell.Value);
                writer.WriteEndElement();
            }
            else
            {
                writer.WriteStartElement(_cell, attributes.Text);
                writer.WriteStartElement(_inline);
                writer.WriteStartElement(_text, char.IsWhiteSpace(cell.Value[0]) || char.IsWhiteSpace(cell.Value[^1]) ? Preserve : []);
                writer.WriteString(cell.Value);
                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    private (OpenXmlAttribute[] Empty, OpenXmlAttribute[] Text) Attributes(uint style)
    {
        if (!_attributes.TryGetValue(style, out var attributes))
        {
            var s = new OpenXmlAttribute("s", string.Empty, style.ToString(CultureInfo.InvariantCulture));
            attributes = style == 0 ? ([], [InlineType]) : ([s], [s, InlineType]);
            _attributes[style] = attributes;
        }

        return attributes;
    }
}
