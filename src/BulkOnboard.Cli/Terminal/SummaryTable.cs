using BulkOnboard.Reporting;
using Spectre.Console;

namespace BulkOnboard.Cli.Terminal;

/// <summary>The short table the console ends with.</summary>
internal static class SummaryTable
{
    public static void Write(IAnsiConsole console, RunSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{summary.Command}[/] {Terminal.ConsoleText.Escape(Path.GetFileName(summary.InputFile))}");
        table.AddColumn("outcome");
        table.AddColumn(new TableColumn("rows").RightAligned());
        foreach (var (name, count, colour) in Rows(summary))
        {
            if (count > 0 || name is "total")
            {
                table.AddRow($"[{colour}]{Terminal.ConsoleText.Escape(name)}[/]", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        console.Write(table);
        if (summary.Command is "import" or "sync" or "sync --undo")
        {
            console.MarkupLine($"{summary.Requests} requests, {summary.Retries} retries, {summary.RateLimited} rate-limited, {summary.ElapsedMs / 1000.0:0.0} s");
        }

        if (summary.DueCarriedOut is > 0 and var carried)
        {
            console.MarkupLine($"{carried} dated actions came due and were carried out (the log says how each went)");
        }

        if (summary.NextDue is { } next)
        {
            console.MarkupLine($"Next dated action due {Terminal.ConsoleText.Escape(next)} (bulkonboard due, the next run, or the watch service carries it out)");
        }

        if (summary.StoppedBecause is { } reason)
        {
            console.MarkupLine($"[red]Stopped early:[/] {Terminal.ConsoleText.Escape(reason)}");
        }

        if (summary.Reports is { } reports)
        {
            console.MarkupLine($"Results: {Terminal.ConsoleText.Escape(reports.Results)}");
            if (reports.ResultsWorkbook is { } workbook && File.Exists(workbook))
            {
                console.MarkupLine($"For Excel: {Terminal.ConsoleText.Escape(workbook)}");
            }

            console.MarkupLine($"Summary: {Terminal.ConsoleText.Escape(reports.Summary)}");
            if (File.Exists(reports.Html))
            {
                console.MarkupLine($"Report to look at: {Terminal.ConsoleText.Escape(reports.Html)}");
            }
            var needsAttention = summary.Invalid + summary.Failed + summary.NotAttempted;
            console.MarkupLine(needsAttention > 0
                ? $"Rows to fix and feed back in: {Terminal.ConsoleText.Escape(reports.Failed)}"
                : $"Failed rows: none ({Terminal.ConsoleText.Escape(reports.Failed)} is empty)");
            if (summary.Invalid + summary.Failed > 0)
            {
                WriteFirstProblems(console, summary);
            }
        }

        console.MarkupLine($"Exit code {summary.ExitCode}");
    }

    /// <summary>The first invalid and failed rows, with why: what to fix is on the screen, not only in failed.csv.</summary>
    private static void WriteFirstProblems(IAnsiConsole console, RunSummary summary)
    {
        if (summary.FirstProblems.Count == 0)
        {
            return;
        }

        console.MarkupLine("First problems:");
        foreach (var problem in summary.FirstProblems)
        {
            console.MarkupLine($"  {Terminal.ConsoleText.Escape(problem)}");
        }

        var more = summary.Invalid + summary.Failed - summary.FirstProblems.Count;
        if (more > 0)
        {
            console.MarkupLine($"  ... and {more} more in the reports");
        }
    }

    private static IEnumerable<(string Name, int Count, string Colour)> Rows(RunSummary s)
    {
        yield return ("created", s.Created, "green");
        yield return ("invited", s.Invited, "green");
        yield return ("updated", s.Updated, "green");
        foreach (var (reason, count) in s.SkippedReasons.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            yield return ($"skipped ({reason})", count, "grey");
        }

        // A preview says what import would do with each valid row.
        var valid = s.ValidReasons ?? [];
        foreach (var (reason, count) in valid.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            yield return ($"valid ({reason})", count, "green");
        }

        yield return ("valid", s.Valid - valid.Values.Sum(), "green");
        yield return ("invalid", s.Invalid, "red");
        yield return ("failed", s.Failed, "red");
        yield return ("not_attempted", s.NotAttempted, "yellow");
        yield return ("deactivated", s.Deactivated ?? 0, "green");
        yield return ("removed", s.Removed ?? 0, "green");
        yield return ("held", s.Held ?? 0, "yellow");
        yield return ("scheduled", s.Scheduled, "blue");
        yield return ("cancelled", s.Cancelled, "blue");
        yield return ("total", s.Total, "bold");
    }
}
