using CsvHelper;

namespace BulkOnboard.Storage;

/// <summary>
/// The one way report CSVs are written: RFC 4180, UTF-8 (with a byte order mark unless told not to, so
/// Excel reads it as UTF-8), cells a spreadsheet would run as a formula escaped.
/// </summary>
internal static class ReportCsv
{
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        NewLine = "\r\n",
    };

    private static readonly CsvWriterOptions WithBom = Options with { WriteByteOrderMark = true };

    /// <summary>A report CSV at <paramref name="path"/>, created owner-only (<see cref="PrivateFiles"/>); <paramref name="bom"/> starts it with EF BB BF.</summary>
    public static CsvWriter Create(string path, bool bom)
    {
        PrivateFiles.Prepare(path);
        return CsvWriter.ToFile(path, bom ? WithBom : Options);
    }
}
