using System.Text.Json;
using System.Text.RegularExpressions;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Reporting;

/// <summary>The HTML report as text: what it lets through, how much it lists, and that its figures are summary.json's.</summary>
public partial class HtmlReportTests
{
    private const string Hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>\"'&";

    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void HostileTextFromTheInput_TheApiOrThePlan_IsShownAsText_NeverAsMarkup()
    {
        var summary = Summary(invalid: 1) with { InputFile = $"/in/{Hostile}.csv", StoppedBecause = $"HTTP 500: {Hostile}", NextDue = Hostile };
        var problems = new[] { new ProblemRow(2, "guest", $"{Hostile}@x.example", "invalid", Hostile, $"{Hostile} is not an email") };
        var plan = Plan(new PlanLine(3, "member", $"{Hostile}@x.example", "update_role", null, $"role {Hostile} -> <b>admin</b>", "m1", "admin", null),
            new PlanLine(null, "member", $"{Hostile}@x.example", "hold", "deactivate", $"held: {Hostile}", "m2", null, null)) with { Guards = [Hostile] };

        var html = HtmlReport.Render(summary, problems, plan);

        Assert.That(html, Does.Not.Contain("<script").IgnoreCase.And.Not.Contain("<img").IgnoreCase.And.Not.Contain("<b>admin"));
        Assert.That(html, Does.Contain("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"));
        Assert.That(Regex.Matches(html, "<script", RegexOptions.IgnoreCase), Is.Empty);
        Assert.That(html, Does.Contain("default-src 'none'"), "the page may load nothing and run nothing");
    }

    [Test]
    public void TheTableOfRowsToFix_ListsAThousand_AndCountsTheRest_WhichAreInFailedCsv()
    {
        var problems = Enumerable.Range(2, 2_500).Select(i => new ProblemRow(i, "guest", $"p{i}@x.example", "failed", "", "HTTP 422"));

        var html = HtmlReport.Render(Summary(failed: 2_500), problems, plan: null);

        var table = html[html.IndexOf("<table id=\"problem-rows\"", StringComparison.Ordinal)..];
        Assert.That(Regex.Matches(table[..table.IndexOf("</table>", StringComparison.Ordinal)], "<tr class=\"failed\">"), Has.Count.EqualTo(HtmlReport.MaxProblemRows));
        Assert.That(html, Does.Contain("data-rows=\"2500\"").And.Contain("data-more=\"1500\"").And.Contain("1,500 more rows to fix, in people.20261122-090000.failed.csv"));
    }

    [Test]
    public void EveryFigure_IsNamedAsSummaryJsonNamesIt_AndHoldsItsValue()
    {
        var timeline = new RequestTimeline();
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        timeline.Sent(RequestScope.GuestCreate, at);
        timeline.Sent(RequestScope.MemberInvite, at.AddSeconds(1));
        timeline.RateLimited(RequestScope.GuestCreate, at);
        timeline.Held(RequestScope.GuestCreate, HoldKind.Cap, at, at.AddSeconds(3));
        var summary = (Summary(failed: 1) with { Requests = 2, RateLimited = 1, RateLimitWaitMs = 3000, SkippedReasons = new() { ["already_exists"] = 4 }, Skipped = 4, Held = 2 })
            .With(timeline.Snapshot());
        summary.WriteTo(summary.Reports!.Summary);
        using var json = JsonDocument.Parse(File.ReadAllText(summary.Reports.Summary));

        var html = HtmlReport.Render(summary, [], plan: null);

        var figures = FigurePattern().Matches(html).Select(m => (Key: m.Groups[1].Value, Value: long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.That(figures.Select(f => f.Key), Is.SupersetOf(new[] { "total", "created", "failed", "held", "requests", "rate_limited", "skipped_reasons.already_exists",
            "requests_by_kind.guest_create.requests", "requests_by_kind.guest_create.rate_limited", "requests_by_kind.guest_create.held_ms", "requests_by_kind.member_invite.requests" }));
        foreach (var (key, value) in figures)
        {
            var element = key.Split('.').Aggregate(json.RootElement, (e, name) => e.GetProperty(name));
            Assert.That(element.GetInt64(), Is.EqualTo(value), key);
        }

        Assert.That(html, Does.Contain("<svg id=\"timeline\"").And.Contain("data-kind=\"guest_create\"").And.Contain("data-hold=\"cap\""));
    }

    [Test]
    public void ThePlan_IsADiff_JoinersMoversAndLeavers_WithTheGuardsVerdict()
    {
        var plan = Plan(
            new PlanLine(2, "member", "new@x.example", "invite", null, "joiner: invite as standard", null, null, null),
            new PlanLine(3, "member", "mover@x.example", "update_role", null, "role light -> standard", "m1", "standard", null),
            new PlanLine(4, "member", "same@x.example", "unchanged", null, "unchanged", "m2", null, null),
            new PlanLine(null, "member", "gone@x.example", "deactivate", null, "leaver: deactivate (role light)", "m3", null, null),
            new PlanLine(null, "guest", "kept@x.example", "hold", "remove", "held: 3 leavers is more than Sync:MaxLeaversPerRun (2)", null, null, null));

        var html = HtmlReport.Render(Summary(), [], plan);

        Assert.That(html, Does.Contain("<tr class=\"joiner\" data-email=\"new@x.example\""));
        Assert.That(html, Does.Contain("<del>light</del> → <ins>standard</ins>"));
        Assert.That(html, Does.Contain("data-email=\"gone@x.example\" data-action=\"deactivate\" data-state=\"approved\""));
        Assert.That(html, Does.Contain("data-email=\"kept@x.example\" data-action=\"hold\" data-state=\"held\"").And.Contain(">3 leavers is more than Sync:MaxLeaversPerRun (2)</td>"));
        Assert.That(html, Does.Not.Contain("same@x.example"), "unchanged rows are counted, not listed");
    }

    private RunSummary Summary(int invalid = 0, int failed = 0)
    {
        var counts = new OutcomeCounts();
        var startedAt = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var summary = RunSummary.Of("import", "/in/people.csv", "abc", startedAt, counts, 0);
        return summary with
        {
            Total = 10 + invalid + failed, Created = 10, Invalid = invalid, Failed = failed,
            Reports = ReportPaths.Create(_files.Folder, "people.csv", startedAt),
        };
    }

    private static PlanFile Plan(params PlanLine[] lines) => new()
    {
        PlannedAt = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero),
        RosterFile = "/in/roster.csv",
        RosterSha256 = "abc",
        RosterPeople = lines.Count(l => l.Row is not null),
        OutOfScope = 0,
        Counts = lines.GroupBy(l => l.Action).ToDictionary(g => g.Key, g => g.Count()),
        Guards = [],
        Changes = [.. lines],
    };

    [GeneratedRegex("data-figure=\"([^\"]+)\" data-value=\"(-?[0-9]+)\"")]
    private static partial Regex FigurePattern();
}
