using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Reporting;

/// <summary>
/// <c>&lt;stem&gt;.&lt;time&gt;.report.html</c>: the run for a person to look at, one file that needs nothing
/// else (inline CSS and SVG, no script, and a content policy that forbids loading anything). The outcome
/// counts, the requests by kind over time with the holds and 429s, a sync's plan as a diff, and the rows to
/// fix. Every figure is <see cref="RunSummary"/>'s, the same object <c>summary.json</c> is written from, and
/// carries its name there (<c>data-figure="created"</c>, <c>data-figure="requests_by_kind.read.requests"</c>);
/// the plan's carry their <c>plan.json</c> name (<c>data-plan-figure</c>). All text from the input, the API
/// or the plan is HTML-encoded.
/// </summary>
internal static partial class HtmlReport
{
    /// <summary>The most rows the table of rows to fix lists (the rest are counted, and are in failed.csv).</summary>
    public const int MaxProblemRows = 1_000;

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Writes the report of <paramref name="summary"/> to its <see cref="ReportPaths.Html"/>; one that cannot be written is logged, the run's outcome stands.</summary>
    /// <param name="problems">The rows to fix, in report order (read one at a time; only the first <see cref="MaxProblemRows"/> are kept).</param>
    /// <param name="plan">A sync's plan, shown as a diff.</param>
    public static void TryWrite(RunSummary summary, Func<IEnumerable<ProblemRow>> problems, Plan.PlanFile? plan, ILogger logger)
    {
        if (summary.Reports is not { } paths)
        {
            return;
        }

        try
        {
            Storage.PrivateFiles.WriteAllTextAtomically(paths.Html, Render(summary, problems(), plan));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("The HTML report {Path} could not be written: {Message}", paths.Html, ex.Message);
        }
    }

    /// <summary>The whole page.</summary>
    public static string Render(RunSummary summary, IEnumerable<ProblemRow> problems, Plan.PlanFile? plan)
    {
        var html = new StringBuilder();
        var title = RunReport.Of(summary).Title;
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Text(title)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n");
        Header(html, summary, title);
        Outcomes(html, summary);
        if (plan is not null)
        {
            PlanDiff(html, plan);
        }

        Requests(html, summary);
        Problems(html, summary, problems, plan is not null && summary.Command == "sync --plan");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Header(StringBuilder html, RunSummary summary, string title)
    {
        html.Append("<header>\n<h1 id=\"title\">").Append(Text(title)).Append("</h1>\n<dl class=\"facts\">")
            .Append("<dt>Input</dt><dd id=\"input\">").Append(Text(summary.InputFile)).Append("</dd>")
            .Append("<dt>Started</dt><dd>").Append(Text(summary.StartedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture))).Append("</dd>")
            .Append("<dt>Took</dt><dd>").Append(Figure("elapsed_ms", summary.ElapsedMs, Delivery.Durations.Describe(TimeSpan.FromMilliseconds(summary.ElapsedMs)))).Append("</dd>")
            .Append("<dt>Exit code</dt><dd>").Append(Figure("exit_code", summary.ExitCode)).Append("</dd>");
        if (summary.RunId is { } runId)
        {
            html.Append("<dt>Journal run</dt><dd>").Append(Figure("run_id", runId)).Append("</dd>");
        }

        if (summary.NextDue is { } next)
        {
            html.Append("<dt>Next due</dt><dd>").Append(Text(next)).Append("</dd>");
        }

        html.Append("</dl>\n");
        if (summary.StoppedBecause is { } why)
        {
            html.Append("<p class=\"stopped\" id=\"stopped\"><b>Stopped early:</b> ").Append(Text(why)).Append("</p>\n");
        }

        html.Append("</header>\n");
    }

    private static void Outcomes(StringBuilder html, RunSummary summary)
    {
        html.Append("<section id=\"outcomes\">\n<h2>Outcomes</h2>\n<div class=\"figures\">\n");
        Card(html, "total", summary.Total, "rows", "total");

        // A preview (validate, sync --plan) sends nothing: what it did not do is not shown as zeros.
        var preview = summary.Command is "validate" or "sync --plan";
        (string Key, long? Value, string Label, string Tone, bool Always)[] figures =
        [
            ("created", summary.Created, "created", "good", true),
            ("invited", summary.Invited, "invited", "good", true),
            ("updated", summary.Updated, "updated", "good", true),
            ("valid", summary.Valid, "valid", "good", false),
            ("skipped", summary.Skipped, "skipped", "quiet", true),
            ("scheduled", summary.Scheduled, "scheduled", "quiet", false),
            ("cancelled", summary.Cancelled, "cancelled", "quiet", false),
            ("deactivated", summary.Deactivated, "deactivated", "good", false),
            ("removed", summary.Removed, "removed", "good", false),
            ("held", summary.Held, "held by a guard", "warn", false),
            ("invalid", summary.Invalid, "invalid", "bad", true),
            ("failed", summary.Failed, "failed", "bad", true),
            ("not_attempted", summary.NotAttempted, "not attempted", "warn", true),
            ("group_memberships_added", summary.GroupMembershipsAdded, "group memberships added", "good", false),
            ("group_memberships_failed", summary.GroupMembershipsFailed, "group memberships not changed", "bad", false),
            ("due_carried_out", summary.DueCarriedOut, "dated actions carried out", "quiet", false),
            ("pending_invites", summary.PendingInvites, "invitations pending too long", "warn", false),
        ];
        foreach (var (key, value, label, tone, always) in figures)
        {
            if (value is { } n && ((always && !preview) || n > 0 || key == "invalid"))
            {
                Card(html, key, n, label, tone);
            }
        }

        html.Append("</div>\n");
        if (summary.SkippedReasons.Count > 0)
        {
            html.Append("<p class=\"reasons\">Skipped: ");
            html.AppendJoin(", ", summary.SkippedReasons.OrderByDescending(r => r.Value).Select(r => $"{Figure($"skipped_reasons.{r.Key}", r.Value)} {Text(r.Key)}"));
            html.Append("</p>\n");
        }

        html.Append("</section>\n");
    }

    private static void Problems(StringBuilder html, RunSummary summary, IEnumerable<ProblemRow> problems, bool planOnly)
    {
        html.Append("<section id=\"problems\">\n<h2>Rows to fix</h2>\n");
        var shown = 0;
        var more = 0L;
        var table = new StringBuilder();
        foreach (var problem in problems)
        {
            if (shown == MaxProblemRows)
            {
                more++;
                continue;
            }

            shown++;
            table.Append("<tr class=\"").Append(Attr(problem.Outcome)).Append("\"><td class=\"num\">").Append(problem.Row?.ToString(CultureInfo.InvariantCulture) ?? string.Empty)
                .Append("</td><td class=\"nowrap\">").Append(Text(problem.Kind)).Append("</td><td class=\"wrap\">").Append(Text(problem.Email)).Append("</td><td class=\"nowrap\">").Append(Text(problem.Outcome))
                .Append("</td><td class=\"nowrap\">").Append(Text(problem.Reason)).Append("</td><td class=\"wrap\">").Append(Text(problem.Message)).Append("</td></tr>\n");
        }

        if (shown == 0)
        {
            html.Append("<p id=\"no-problems\">None: no row is invalid, failed or left unsent.</p>\n</section>\n");
            return;
        }

        html.Append("<table id=\"problem-rows\" data-rows=\"").Append(shown + more).Append("\">\n<thead><tr><th>row</th><th>kind</th><th>email</th><th>outcome</th><th>reason</th><th>message</th></tr></thead>\n<tbody>\n")
            .Append(table).Append("</tbody>\n</table>\n");
        var where = Path.GetFileName(planOnly ? summary.Reports?.Results : summary.Reports?.Failed) ?? "failed.csv";
        html.Append(more > 0
            ? $"<p id=\"more-problems\" data-more=\"{more}\">… and {more:N0} more rows to fix, in {Text(where)}.</p>\n"
            : $"<p class=\"note\">Every one of them is in {Text(where)}{(planOnly ? string.Empty : ", ready to be fixed and fed back in")}.</p>\n");
        html.Append("</section>\n");
    }

    private static void Card(StringBuilder html, string key, long value, string label, string tone) =>
        html.Append("<div class=\"card ").Append(tone).Append("\">").Append(Figure(key, value)).Append("<span class=\"label\">").Append(Text(label)).Append("</span></div>\n");

    /// <summary>A figure of <c>summary.json</c>, named by its path there, shown as <paramref name="shown"/> (the number, by default).</summary>
    private static string Figure(string key, long value, string? shown = null) =>
        $"<b data-figure=\"{Attr(key)}\" data-value=\"{value.ToString(CultureInfo.InvariantCulture)}\">{Text(shown ?? value.ToString("N0", CultureInfo.InvariantCulture))}</b>";

    /// <summary>Text from anywhere, safe between tags.</summary>
    private static string Text(string? text) => Encoder.Encode(text ?? string.Empty);

    /// <summary>Text from anywhere, safe in a quoted attribute.</summary>
    private static string Attr(string? text) => Encoder.Encode(text ?? string.Empty);

    private const string Css = """
        :root{--good:#2e7d32;--bad:#c62828;--warn:#ef6c00;--quiet:#607d8b;--ink:#1d2733;--line:#dde3ea}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:24px}
        h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}.facts dt{color:var(--quiet)}.facts dd{margin:0;word-break:break-all}
        .stopped{background:#fff3e0;border-left:4px solid var(--warn);padding:8px 12px}
        .figures{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid var(--line);border-top:4px solid var(--quiet);border-radius:6px;padding:8px 14px;min-width:96px}
        .card b{display:block;font-size:24px}.card .label{color:var(--quiet)}.card.good{border-top-color:var(--good)}.card.bad{border-top-color:var(--bad)}
        .card.warn{border-top-color:var(--warn)}.card.total{border-top-color:var(--ink)}
        table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f5f7fa;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td{overflow-wrap:break-word}td.wrap{overflow-wrap:anywhere}td.nowrap,td.num{white-space:nowrap}
        tr.invalid td:nth-child(4),tr.failed td:nth-child(4){color:var(--bad);font-weight:600}tr.not_attempted td:nth-child(4){color:var(--warn);font-weight:600}
        .note,.reasons{color:var(--quiet)}.diff .sign{font-family:ui-monospace,monospace;font-weight:700;width:1.5em}
        .diff tr.joiner .sign{color:var(--good)}.diff tr.leaver .sign{color:var(--bad)}.diff tr.mover .sign{color:var(--warn)}
        .diff del{color:var(--bad)}.diff ins{color:var(--good);text-decoration:none}
        .state{border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600}.state.held{background:#fff3e0;color:var(--warn)}.state.approved{background:#e8f5e9;color:var(--good)}
        .guards li{color:var(--warn)}svg text{font:11px system-ui,sans-serif;fill:#455a64}
        .legend{display:flex;flex-wrap:wrap;gap:14px;color:var(--quiet);margin:4px 0}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
        details summary{cursor:pointer;color:var(--quiet)}
        """;
}
