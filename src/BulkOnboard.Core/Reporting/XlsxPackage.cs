using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkOnboard.Reporting;

/// <summary>
/// The zip around a workbook's parts, streamed: each sheet is written by DocumentFormat.OpenXml's
/// <see cref="OpenXmlWriter"/> straight into its zip entry. (The SDK's own package, 2.20, opens a new file in
/// the zip's update mode, which keeps every part in memory until it is closed: 100,000 result lines would be
/// over 100 MB.) The package holds what a workbook needs and nothing else: content types, relationships,
/// the workbook, its styles, its sheets.
/// </summary>
internal static class XlsxPackage
{
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string Sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";

    /// <summary>Writes the workbook to <paramref name="stream"/>: one sheet for each of <paramref name="sheets"/>, in order, each written by its action.</summary>
    public static void Write(Stream stream, Stylesheet styles, IReadOnlyList<(string Name, Action<OpenXmlWriter> Write)> sheets, DefinedNames? names = null)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        Text(zip, "[Content_Types].xml",
            "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + string.Concat(sheets.Select((_, i) => $"<Override PartName=\"/xl/worksheets/sheet{i + 1}.xml\" ContentType=\"{Sheet}\"/>"))
            + "</Types>");
        Text(zip, "_rels/.rels",
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + $"<Relationship Id=\"rId1\" Type=\"{Relationships}/officeDocument\" Target=\"xl/workbook.xml\"/>"
            + "</Relationships>");
        Text(zip, "xl/_rels/workbook.xml.rels",
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + string.Concat(sheets.Select((_, i) => $"<Relationship Id=\"rId{i + 1}\" Type=\"{Relationships}/worksheet\" Target=\"worksheets/sheet{i + 1}.xml\"/>"))
            + $"<Relationship Id=\"rId{sheets.Count + 1}\" Type=\"{Relationships}/styles\" Target=\"styles.xml\"/>"
            + "</Relationships>");

        var workbook = new Workbook(new Sheets(sheets.Select((s, i) => new DocumentFormat.OpenXml.Spreadsheet.Sheet { Name = s.Name, SheetId = (uint)i + 1, Id = $"rId{i + 1}" })));
        if (names is not null)
        {
            workbook.Append(names);
        }

        Element(zip, "xl/workbook.xml", workbook);
        Element(zip, "xl/styles.xml", styles);
        for (var i = 0; i < sheets.Count; i++)
        {
            using var entry = zip.CreateEntry($"xl/worksheets/sheet{i + 1}.xml").Open();
            using var writer = OpenXmlWriter.Create(entry);
            sheets[i].Write(writer);
            writer.Close();
        }
    }

    private static void Text(ZipArchive zip, string path, string xml)
    {
        using var entry = zip.CreateEntry(path).Open();
        entry.Write(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n" + xml));
    }

    private static void Element(ZipArchive zip, string path, OpenXmlPartRootElement element)
    {
        using var entry = zip.CreateEntry(path).Open();
        element.Save(entry);
    }
}
