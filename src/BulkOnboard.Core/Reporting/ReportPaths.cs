namespace BulkOnboard.Reporting;

/// <summary>The report files of one run: <c>&lt;stem&gt;.&lt;yyyyMMdd-HHmmss&gt;.results.csv</c> and its siblings.</summary>
/// <param name="Summary"><c>summary.json</c> (<see cref="Html"/>, <c>report.html</c>, is beside it).</param>
/// <param name="ResultsWorkbook"><c>results.xlsx</c>, written from the finished results.csv with the summary (<see cref="ReportFiles.Finish"/>); <c>null</c> when the run writes no results (a sync plan).</param>
internal sealed record ReportPaths(string Results, string Summary, string Failed, string? ResultsWorkbook = null)
{
    /// <summary>Whether the report CSVs start with a UTF-8 byte order mark (<see cref="Configuration.ReportsOptions.ExcelBom"/>).</summary>
    public bool Bom { get; init; } = true;

    /// <summary>The most result lines <see cref="ResultsWorkbook"/> is written for (<see cref="Configuration.ReportsOptions.WorkbookMaxRows"/>).</summary>
    public int WorkbookMaxRows { get; init; } = Reporting.ResultsWorkbook.MaxLines;

    /// <summary>What every report of the run begins with (<c>&lt;stem&gt;.&lt;stamp&gt;</c>): a plan is written there too.</summary>
    public string Prefix => Results[..^".results.csv".Length];

    /// <summary>The files of these reports, whether written yet or not.</summary>
    public IEnumerable<string> Files => new[] { Results, Failed, Summary, Html, ResultsWorkbook }.OfType<string>().Distinct();

    /// <summary><c>report.html</c>: the run for a person to look at (<see cref="HtmlReport"/>), beside <see cref="Summary"/>.</summary>
    public string Html => Summary[..^".summary.json".Length] + ".report.html";

    /// <summary>
    /// The run's report paths in <paramref name="folder"/>, created and checked writable first: a run finds out
    /// before its first request, not after acting. Throws <see cref="Input.InputException"/> (one line) when it cannot.
    /// </summary>
    public static ReportPaths Create(string folder, string inputPath, DateTimeOffset startedAt, Configuration.ReportsOptions? options = null)
    {
        try
        {
            Storage.PrivateFiles.CreateFolder(folder);
            var probe = Path.Combine(folder, $".bulkonboard-write-check-{Guid.NewGuid():N}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Input.InputException($"cannot write reports to {folder}: {ex.Message}");
        }

        var stem = Path.GetFileNameWithoutExtension(inputPath);
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);

        // Two runs of the same file within one second must not overwrite each other's reports.
        var prefix = Path.Combine(folder, $"{stem}.{stamp}");
        for (var n = 2; File.Exists(prefix + ".results.csv"); n++)
        {
            prefix = Path.Combine(folder, $"{stem}.{stamp}-{n}");
        }

        return new ReportPaths(prefix + ".results.csv", prefix + ".summary.json", prefix + ".failed.csv", prefix + ".results.xlsx")
        {
            Bom = (options ?? new Configuration.ReportsOptions()).ExcelBom,
            WorkbookMaxRows = Math.Clamp((options ?? new Configuration.ReportsOptions()).WorkbookMaxRows, 0, Reporting.ResultsWorkbook.MaxLines),
        };
    }
}
