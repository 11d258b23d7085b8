using CsvHelper;

namespace BulkOnboard.Storage;

/// <summary>The one way report CSVs are written: RFC 4180, UTF-8, cells a spreadsheet would run as a formula escaped.</summary>
internal static class ReportCsv
{
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        NewLine = "\r\n",
    };

    /// <summary>A report CSV at <paramref name="path"/>, created owner-only (<see cref="PrivateFiles"/>).</summary>
    public static CsvWriter Create(string path)
    {
        PrivateFiles.Prepare(path);
        return CsvWriter.ToFile(path, Options);
    }
}
