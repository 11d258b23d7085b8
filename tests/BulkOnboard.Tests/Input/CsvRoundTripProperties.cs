using System.Text;
using BulkOnboard.Input;
using FsCheck;
using FsCheck.Fluent;

namespace BulkOnboard.Tests.Input;

/// <summary>Any table of strings, written as CSV in any supported dialect and encoding, reads back identical.</summary>
public class CsvRoundTripProperties
{
    private const string Specials = ",;|\t\"\r\n ";
    private static readonly string Ascii = string.Concat(Enumerable.Range(32, 95).Select(i => (char)i));
    private static readonly string Latin = Ascii + string.Concat(Enumerable.Range(0xC0, 0x40).Select(i => (char)i));
    private static readonly string Unicode = Latin + "€ŁŻŚĆΩЖЗИ中文日本語한국어עבריתالعربية😀👩‍💻";

    public sealed record Dialect(char Separator, string NewLine, string EncodingName, bool QuoteAll)
    {
        public Encoding Encoding => EncodingName switch
        {
            "utf-8" => new UTF8Encoding(false),
            "utf-8-bom" => new UTF8Encoding(true),
            "utf-16le" => new UnicodeEncoding(false, true),
            "utf-16be" => new UnicodeEncoding(true, true),
            _ => CodePagesEncodingProvider.Instance.GetEncoding(1252)!,
        };

        public string[] Alphabet => TextElements(EncodingName == "windows-1252" ? Latin : Unicode);
    }

    private static Gen<Dialect> Dialects() =>
        from separator in Gen.Elements(',', ';', '\t', '|')
        from newline in Gen.Elements("\n", "\r\n")
        from encoding in Gen.Elements("utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252")
        from quoteAll in Gen.Elements(false, true)
        select new Dialect(separator, newline, encoding, quoteAll);

    /// <summary>Cells are made of whole text elements: an emoji is never split into lone surrogates.</summary>
    private static Gen<string> Cell(string[] alphabet) =>
        Gen.Frequency(
            (6, Gen.Elements(alphabet).ArrayOf().Select(string.Concat)),
            (2, Gen.Elements([.. alphabet, .. TextElements(Specials + Specials)]).ArrayOf().Select(string.Concat)),
            (1, Gen.Constant(string.Empty)));

    private static string[] TextElements(string text)
    {
        var elements = new List<string>();
        var enumerator = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return [.. elements];
    }

    private static Gen<(Dialect Dialect, string[][] Rows)> Tables() =>
        from dialect in Dialects()
        from columns in Gen.Choose(2, 6)
        from rows in Gen.Choose(1, 12)
        from body in Cell(dialect.Alphabet).ArrayOf(columns).ArrayOf(rows)
        select (dialect, body);

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property WrittenInAnyDialect_ReadsBackIdentical() =>
        Prop.ForAll(Tables().ToArbitrary(), table =>
        {
            var (dialect, body) = table;

            // A header of plain names, as every people file has: it is what the separator is detected from.
            var header = Enumerable.Range(1, body[0].Length).Select(i => $"Column {i}").ToArray();
            var rows = body.Prepend(header).ToArray();
            var path = Path.Combine(Path.GetTempPath(), $"roundtrip-{Guid.NewGuid():N}.csv");
            File.WriteAllBytes(path, [.. dialect.Encoding.GetPreamble(), .. dialect.Encoding.GetBytes(Write(rows, dialect))]);
            try
            {
                using var reader = CsvTableReader.Open(path);
                var read = reader.ReadRecords(CancellationToken.None).Select(r => r.Cells).ToArray();
                return read.Length == rows.Length && read.Zip(rows).All(p => p.First.SequenceEqual(p.Second));
            }
            finally
            {
                File.Delete(path);
            }
        });

    private static string Write(string[][] rows, Dialect dialect)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendJoin(dialect.Separator, row.Select(cell => dialect.QuoteAll || NeedsQuotes(cell) ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell));
            text.Append(dialect.NewLine);
        }

        return text.ToString();
    }

    // A row of one empty cell would be an empty line; quotes keep it a row.
    private static bool NeedsQuotes(string cell) => cell.Length == 0 || cell.AsSpan().IndexOfAny(Specials) >= 0;
}
