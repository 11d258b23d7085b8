using CsvHelper;

namespace BulkOnboard.Reporting;

/// <summary>The one way report CSVs are written: RFC 4180, UTF-8, cells a spreadsheet would run as a formula escaped.</summary>
internal static class ReportCsv
{
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        NewLine = "\r\n",
    };

    public static CsvWriter Create(string path) => CsvWriter.ToFile(path, Options);
}
