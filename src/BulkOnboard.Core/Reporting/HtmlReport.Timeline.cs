using System.Globalization;
using System.Text;
using BulkOnboard.Delivery;

namespace BulkOnboard.Reporting;

/// <summary>
/// The report's requests: the totals, a table by kind, and the timeline (inline SVG): the requests each slice
/// of time sent, stacked by kind, and beneath, a lane per kind shaded where it was held (its cap, the API's
/// allowance, an outage) with a red mark where its requests were answered 429.
/// </summary>
internal static partial class HtmlReport
{
    private const int ChartWidth = 960;
    private const int Left = 110;
    private const int PlotWidth = ChartWidth - Left - 10;
    private const int BarsHeight = 150;
    private const int LaneHeight = 22;

    private static readonly Dictionary<RequestScope, string> KindColours = new()
    {
        [RequestScope.GuestCreate] = "#7e57c2",
        [RequestScope.MemberInvite] = "#1e88e5",
        [RequestScope.Read] = "#90a4ae",
        [RequestScope.Write] = "#43a047",
        [RequestScope.Launch] = "#fb8c00",
        [RequestScope.Comment] = "#8d6e63",
    };

    private static readonly Dictionary<HoldKind, (string Colour, string Words)> HoldLooks = new()
    {
        [HoldKind.Cap] = ("#fb8c00", "held by its cap"),
        [HoldKind.RateLimit] = ("#fdd835", "waiting for the API's allowance"),
        [HoldKind.Outage] = ("#616161", "API down (outage break)"),
    };

    private static void Requests(StringBuilder html, RunSummary summary)
    {
        html.Append("<section id=\"requests\">\n<h2>Requests</h2>\n");
        if (summary.Timeline is not { } timeline)
        {
            html.Append("<p id=\"no-requests\">No request was sent: ").Append(Text(summary.Command)).Append(" reads and checks only.</p>\n</section>\n");
            return;
        }

        html.Append("<div class=\"figures\">\n");
        Card(html, "requests", summary.Requests, "requests", "total");
        Card(html, "retries", summary.Retries, "retries", "quiet");
        Card(html, "rate_limited", summary.RateLimited, "answered 429", summary.RateLimited > 0 ? "warn" : "quiet");
        if (summary.RateLimitWaitMs is { } waited)
        {
            html.Append("<div class=\"card quiet\">").Append(Figure("rate_limit_wait_ms", waited, Durations.Describe(TimeSpan.FromMilliseconds(waited))))
                .Append("<span class=\"label\">waited for the API's allowance</span></div>\n");
        }

        html.Append("</div>\n");
        if (summary.RequestsByKind is { Count: > 0 } byKind)
        {
            html.Append("<table id=\"requests-by-kind\">\n<thead><tr><th>kind</th><th class=\"num\">requests</th><th class=\"num\">answered 429</th><th class=\"num\">held</th></tr></thead>\n<tbody>\n");
            foreach (var (kind, totals) in byKind)
            {
                var words = RequestScopes.Parse(kind)?.Describe() ?? kind;
                html.Append("<tr data-kind=\"").Append(Attr(kind)).Append("\"><td>").Append(Text(words)).Append("</td><td class=\"num\">")
                    .Append(Figure($"requests_by_kind.{kind}.requests", totals.Requests)).Append("</td><td class=\"num\">")
                    .Append(Figure($"requests_by_kind.{kind}.rate_limited", totals.RateLimited)).Append("</td><td class=\"num\">")
                    .Append(Figure($"requests_by_kind.{kind}.held_ms", totals.HeldMs, Durations.Describe(TimeSpan.FromMilliseconds(totals.HeldMs)))).Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
        }

        if (summary.ApiLimits is { Count: > 0 } limits)
        {
            html.Append("<p class=\"note\">Limits learned from the API: ");
            html.AppendJoin("; ", limits.Select(l => Text($"{l.Requests} per {Durations.Describe(TimeSpan.FromSeconds(l.WindowSeconds))} ({l.Source})")));
            html.Append("</p>\n");
        }

        if (timeline.Buckets.Count > 0)
        {
            Timeline(html, timeline, summary.StartedAt.Offset);
        }

        html.Append("</section>\n");
    }

    private static void Timeline(StringBuilder html, TimelineSnapshot timeline, TimeSpan offset)
    {
        var kinds = timeline.Kinds.ToList();
        var buckets = timeline.Buckets;
        var width = (double)PlotWidth / buckets.Count;
        var most = Math.Max(1, buckets.Max(b => b.Sent.Sum()));
        var height = BarsHeight + 30 + (kinds.Count * LaneHeight) + 10;
        var widthMs = (long)timeline.BucketWidth.TotalMilliseconds;
        html.Append("<h3>Timeline</h3>\n<div class=\"legend\">");
        foreach (var kind in kinds)
        {
            html.Append("<span><i class=\"swatch\" style=\"background:").Append(KindColours[kind]).Append("\"></i>").Append(Text(kind.Describe())).Append("</span>");
        }

        foreach (var (why, (colour, words)) in HoldLooks.Where(h => buckets.Any(b => b.HeldMs.Any(kind => kind[(int)h.Key] > 0))))
        {
            html.Append("<span><i class=\"swatch\" style=\"background:").Append(colour).Append("\"></i>").Append(Text(words)).Append("</span>");
        }

        if (buckets.Any(b => b.RateLimited.Any(n => n > 0)))
        {
            html.Append("<span><i class=\"swatch\" style=\"background:#d32f2f\"></i>answered 429</span>");
        }

        html.Append("</div>\n");
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"timeline\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {ChartWidth} {height}\" width=\"100%\" ")
            .Append(CultureInfo.InvariantCulture, $"data-buckets=\"{buckets.Count}\" data-bucket-ms=\"{widthMs}\">\n")
            .Append("<title>Requests sent per ").Append(Text(Durations.Describe(timeline.BucketWidth))).Append(", by kind, from ")
            .Append(Text(Clock(timeline.Origin, offset))).Append("</title>\n");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"12\" text-anchor=\"end\">{most:N0}</text><text x=\"{Left - 8}\" y=\"{BarsHeight}\" text-anchor=\"end\">0</text>\n")
            .Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{BarsHeight + 0.5}\" x2=\"{Left + PlotWidth}\" y2=\"{BarsHeight + 0.5}\" stroke=\"#b0bec5\"/>\n");

        // The requests, stacked by kind.
        foreach (var kind in kinds)
        {
            html.Append("<g class=\"sent\" data-kind=\"").Append(kind.ToWord()).Append("\" fill=\"").Append(KindColours[kind]).Append("\">");
            for (var i = 0; i < buckets.Count; i++)
            {
                var sent = buckets[i].Sent[(int)kind];
                if (sent == 0)
                {
                    continue;
                }

                var below = kinds.TakeWhile(k => k != kind).Sum(k => buckets[i].Sent[(int)k]);
                var top = BarsHeight - ((below + sent) * (BarsHeight - 10.0) / most);
                var h = sent * (BarsHeight - 10.0) / most;
                html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + (i * width):0.##}\" y=\"{top:0.##}\" width=\"{Math.Max(0.5, width - 1):0.##}\" height=\"{h:0.##}\" data-sent=\"{sent}\">")
                    .Append("<title>").Append(Text($"{Slice(timeline, i, offset)}: {sent:N0} {kind.Describe()}")).Append("</title></rect>");
            }

            html.Append("</g>\n");
        }

        // A lane per kind: its holds shaded (as much as the slice was held), its 429s marked.
        for (var k = 0; k < kinds.Count; k++)
        {
            var kind = kinds[k];
            var y = BarsHeight + 24 + (k * LaneHeight);
            html.Append("<g class=\"lane\" data-kind=\"").Append(kind.ToWord()).Append("\">")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{y + 14}\" text-anchor=\"end\">{Text(kind.Describe())}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{y}\" width=\"{PlotWidth}\" height=\"{LaneHeight - 4}\" fill=\"#f5f7fa\"/>");
            for (var i = 0; i < buckets.Count; i++)
            {
                var heldMs = timeline.HeldMs(buckets[i], kind);
                if (heldMs > 0)
                {
                    var byWhy = buckets[i].HeldMs[(int)kind];
                    var why = Enum.GetValues<HoldKind>().MaxBy(h => byWhy[(int)h]);
                    var share = Math.Clamp((double)heldMs / widthMs, 0.15, 1);
                    html.Append(CultureInfo.InvariantCulture, $"<rect class=\"held\" data-hold=\"{HoldWord(why)}\" data-held-ms=\"{heldMs}\" x=\"{Left + (i * width):0.##}\" y=\"{y}\" width=\"{width:0.##}\" height=\"{LaneHeight - 4}\" ")
                        .Append(CultureInfo.InvariantCulture, $"fill=\"{HoldLooks[why].Colour}\" fill-opacity=\"{share:0.##}\">")
                        .Append("<title>").Append(Text($"{Slice(timeline, i, offset)}: {kind.Describe()} {HoldLooks[why].Words}, {Durations.Describe(TimeSpan.FromMilliseconds(heldMs))}")).Append("</title></rect>");
                }

                var refused = buckets[i].RateLimited[(int)kind];
                if (refused > 0)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<rect class=\"refused\" data-rate-limited=\"{refused}\" x=\"{Left + (i * width) + (width / 2) - 1.5:0.##}\" y=\"{y - 2}\" width=\"3\" height=\"{LaneHeight}\" fill=\"#d32f2f\">")
                        .Append("<title>").Append(Text($"{Slice(timeline, i, offset)}: {refused:N0} {kind.Describe()} answered 429")).Append("</title></rect>");
                }
            }

            html.Append("</g>\n");
        }

        // The time axis: a few ticks from the first request.
        var axisY = BarsHeight + 14;
        var ticks = Math.Min(6, buckets.Count);
        for (var t = 0; t <= ticks; t++)
        {
            var i = (int)Math.Round((double)t * buckets.Count / ticks);
            var at = TimeSpan.FromMilliseconds(i * widthMs);
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (i * width):0.##}\" y=\"{axisY}\" text-anchor=\"{(t == 0 ? "start" : t == ticks ? "end" : "middle")}\">")
                .Append(Text(t == 0 ? Clock(timeline.Origin, offset) : $"+{Durations.Describe(at)}")).Append("</text>");
        }

        html.Append("\n</svg>\n<p class=\"note\">Each bar is ").Append(Text(Durations.Describe(timeline.BucketWidth)))
            .Append(" of the run; a lane is shaded as much of that time as its kind was held, and marked red where its requests were answered 429 (the run waits and sends them again: a 429 costs no row).</p>\n");
    }

    private static string HoldWord(HoldKind why) => why switch
    {
        HoldKind.Cap => "cap",
        HoldKind.RateLimit => "rate_limit",
        _ => "outage",
    };

    private static string Clock(DateTimeOffset at, TimeSpan offset) => at.ToOffset(offset).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Slice(TimelineSnapshot timeline, int i, TimeSpan offset)
    {
        var from = timeline.Origin + (timeline.BucketWidth * i);
        return $"{Clock(from, offset)}–{Clock(from + timeline.BucketWidth, offset)}";
    }
}
