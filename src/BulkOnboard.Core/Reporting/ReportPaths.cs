namespace BulkOnboard.Reporting;

/// <summary>The report files of one run: <c>&lt;stem&gt;.&lt;yyyyMMdd-HHmmss&gt;.results.csv</c> and its siblings.</summary>
/// <param name="ResultsWorkbook">Also <c>results.xlsx</c>, when the input was a workbook.</param>
internal sealed record ReportPaths(string Results, string Summary, string Failed, string? ResultsWorkbook = null)
{
    /// <summary>What every report of the run begins with (<c>&lt;stem&gt;.&lt;stamp&gt;</c>): a plan is written there too.</summary>
    public string Prefix => Results[..^".results.csv".Length];

    public static ReportPaths Create(string folder, string inputPath, DateTimeOffset startedAt)
    {
        Storage.PrivateFiles.CreateFolder(folder);
        var stem = Path.GetFileNameWithoutExtension(inputPath);
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);

        // Two runs of the same file within one second must not overwrite each other's reports.
        var prefix = Path.Combine(folder, $"{stem}.{stamp}");
        for (var n = 2; File.Exists(prefix + ".results.csv"); n++)
        {
            prefix = Path.Combine(folder, $"{stem}.{stamp}-{n}");
        }

        return new ReportPaths(prefix + ".results.csv", prefix + ".summary.json", prefix + ".failed.csv",
            Input.TableReaders.IsWorkbook(inputPath) ? prefix + ".results.xlsx" : null);
    }
}
