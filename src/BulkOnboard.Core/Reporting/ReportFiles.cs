using Microsoft.Extensions.Logging;

namespace BulkOnboard.Reporting;

/// <summary>The end of every run's reports (import, validate, sync, due, undo): <c>results.xlsx</c>, then <c>summary.json</c>, then <c>report.html</c> from the same summary.</summary>
internal static class ReportFiles
{
    /// <summary>
    /// Writes <c>results.xlsx</c> from the finished <c>results.csv</c> and <paramref name="summary"/>, then
    /// <c>summary.json</c> (the last file of a run: whoever waits for it finds the others written). A file that
    /// cannot be written is logged; the run's outcome and exit code stand. Then <c>report.html</c> from the same
    /// summary: the rows to fix are <paramref name="problems"/> (a sync plan's invalid rows), else read back from
    /// the ordered results.csv; <paramref name="plan"/> is a sync's plan, shown as a diff.
    /// </summary>
    public static void Finish(RunSummary summary, ReportPaths paths, ILogger logger, Func<IEnumerable<ProblemRow>>? problems = null, Plan.PlanFile? plan = null)
    {
        if (paths.ResultsWorkbook is { } workbook && File.Exists(paths.Results))
        {
            try
            {
                // The summary's count is known without reading results.csv: a large run is not read once more for nothing.
                var lines = summary.Total > paths.WorkbookMaxRows ? summary.Total : ResultsWorkbook.Write(workbook, paths.Results, summary, paths.WorkbookMaxRows);
                if (lines > paths.WorkbookMaxRows)
                {
                    logger.LogInformation("No results.xlsx: the run has {Lines} result lines, more than {Max} ({Why}); {Results} has them all, and opens in Excel as UTF-8",
                        lines, paths.WorkbookMaxRows, paths.WorkbookMaxRows < ResultsWorkbook.MaxLines ? "Reports:WorkbookMaxRows" : "what a worksheet holds", paths.Results);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogError("The workbook {Path} could not be written: {Message}", workbook, ex.Message);
            }
        }

        try
        {
            summary.WriteTo(paths.Summary);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError("The summary {Path} could not be written: {Message}", paths.Summary, ex.Message);
        }

        HtmlReport.TryWrite(summary, problems ?? (() => ProblemRow.FromResults(paths.Results)), plan, logger);
    }
}
