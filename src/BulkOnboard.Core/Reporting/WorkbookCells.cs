using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkOnboard.Reporting;

/// <summary>The cells, styles and views BulkOnboard's workbooks are made of (<see cref="ResultsWorkbook"/>, <see cref="SummarySheet"/>).</summary>
internal static class WorkbookCells
{
    public const uint HeaderStyle = 1;
    public const uint GreenStyle = 2;
    public const uint GreyStyle = 3;
    public const uint RedStyle = 4;
    public const uint AmberStyle = 5;

    /// <summary>
    /// Text, as an inline string: never evaluated as a formula (so workbook cells need no escaping) and never
    /// read as a number or a date (an email, a phone, an id stays exactly as written).
    /// </summary>
    public static SheetCell Text(string? value, uint style = 0) => new(ForXml(value ?? string.Empty), IsNumber: false, style);

    public static SheetCell Number(long value) => new(value.ToString(System.Globalization.CultureInfo.InvariantCulture), IsNumber: true);

    public static SheetCell Number(double value) => new(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), IsNumber: true);

    /// <summary>
    /// <paramref name="text"/> as a spreadsheet cell's XML can hold it: a character XML cannot (a control character
    /// from a file name, a cell or an API message) is written as the format's own escape <c>_xHHHH_</c>, which
    /// Excel reads back as the character, and a literal <c>_xHHHH_</c> has its underscore escaped (<c>_x005F_</c>)
    /// so it reads back as written. Half a surrogate pair, which no escape holds, becomes U+FFFD.
    /// </summary>
    public static string ForXml(string text)
    {
        var span = text.AsSpan();
        if (span.IndexOfAnyInRange('\u0000', '\u001F') < 0 && span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0 && span.IndexOfAny('_', '\uFFFE', '\uFFFF') < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                escaped.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                escaped.Append('\uFFFD');
            }
            else if (c is < ' ' and not ('\t' or '\n' or '\r') or '\uFFFE' or '\uFFFF')
            {
                escaped.Append(System.Globalization.CultureInfo.InvariantCulture, $"_x{(int)c:X4}_");
            }
            else if (c == '_' && LooksEscaped(text.AsSpan(i)))
            {
                escaped.Append("_x005F_");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static bool LooksEscaped(ReadOnlySpan<char> text) =>
        text.Length >= 7 && text[1] == 'x' && text[6] == '_' && char.IsAsciiHexDigit(text[2]) && char.IsAsciiHexDigit(text[3]) && char.IsAsciiHexDigit(text[4]) && char.IsAsciiHexDigit(text[5]);

    /// <summary>The sheet's view with its first row frozen: the header stays in sight while scrolling.</summary>
    public static SheetViews FrozenHeader() => new(new SheetView(
        new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
        new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
    {
        WorkbookViewId = 0,
    });

    /// <summary>A column's letters: 0 is A, 25 Z, 26 AA.</summary>
    public static string ColumnName(int index)
    {
        var name = string.Empty;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    /// <summary>How many characters wide a spreadsheet shows <paramref name="text"/>: East Asian wide characters (山田) count two.</summary>
    public static int DisplayWidth(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            width += IsWide(rune) ? 2 : 1;
        }

        return width;
    }

    private static bool IsWide(Rune rune) => rune.Value is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3
        or >= 0xF900 and <= 0xFAFF or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1FAFF
        or >= 0x20000 and <= 0x3FFFD;

    public static Stylesheet Stylesheet()
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
