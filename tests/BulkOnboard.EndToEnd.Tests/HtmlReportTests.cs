using System.Text;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// report.html as a person sees it: opened from disk in headless chromium, it renders with no script error and
/// loads nothing, and every figure it shows is the one summary.json (and, for a sync, plan.json) holds.
/// </summary>
[NonParallelizable]
public class HtmlReportTests : SyncTestBase
{
    private const string Hostile = "<script>document.title='pwned'</script>";

    [SetUp]
    public void NeedsChromium() => ReportInBrowser.IgnoreUnlessInstalled();

    [Test]
    public async Task AnImportUnderTheGuestCap_ShowsItsCountsTimelineHoldsAnd429s_AsSummaryJsonHasThem()
    {
        await using var capped = await SandboxServer.StartAsync(new SandboxOptions { GuestCap = "5/5s", SendRateLimitHeaders = false });
        var settings = CliRun.SettingsFor(capped, requestsPerMinute: 600);
        settings["Delivery:MaxConcurrency"] = "4";
        settings["Journal:Path"] = Path.Combine(_workspace.Folder, "capped.db");
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Role\n");
        for (var i = 0; i < 8; i++)
        {
            csv.Append($"guest{i}@partner.example,Gue,St,guest,\n").Append($"member{i}@contoso.example,Mem,Ber,member,standard\n");
        }

        csv.Append($"\"{Hostile}\",\"<img src=x onerror=alert(1)>\",Last,guest,\n");
        var output = Path.Combine(_workspace.Folder, "import");

        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("people.csv", csv.ToString()), "--out", output);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var reports = new Reports(output);
        var summary = reports.Summary;
        Assert.That((summary.Created, summary.Invited, summary.Invalid), Is.EqualTo((8, 8, 1)));
        Assert.That(summary.RateLimited, Is.GreaterThan(0), "the sixth guest met the cap: " + result);
        var html = Directory.GetFiles(output, "*.report.html").Single();
        Assert.That(Path.GetFileName(html), Is.EqualTo(Path.GetFileName(reports.SummaryPath).Replace(".summary.json", ".report.html", StringComparison.Ordinal)));
        Assert.That(result.Out, Does.Contain(html), "the run names its report");

        await using var browser = await ReportInBrowser.OpenAsync(html);

        Assert.That(browser.Errors, Is.Empty, "no script error, nothing refused");
        Assert.That(browser.Fetched, Is.Empty, "self-contained: nothing loaded from anywhere");
        var shown = await browser.AssertFiguresEqualAsync(reports.SummaryPath);
        Assert.That(shown, Is.SupersetOf(new[] { "total", "created", "invited", "invalid", "failed", "not_attempted", "requests", "rate_limited",
            "requests_by_kind.guest_create.requests", "requests_by_kind.guest_create.rate_limited", "requests_by_kind.guest_create.held_ms", "requests_by_kind.member_invite.requests" }));

        // The timeline: both kinds drawn, every request and 429 in it, and the guests' lane held by their cap.
        var timeline = browser.Page.Locator("svg#timeline");
        Assert.That(await timeline.IsVisibleAsync(), Is.True);
        Assert.That((await timeline.BoundingBoxAsync())!.Height, Is.GreaterThan(100));
        Assert.That(await Sum(browser, "svg#timeline g.sent rect", "data-sent"), Is.EqualTo(summary.Requests));
        Assert.That(await Sum(browser, "svg#timeline g.sent[data-kind=guest_create] rect", "data-sent"), Is.EqualTo(summary.RequestsByKind!["guest_create"].Requests).And.EqualTo(8 + summary.RequestsByKind["guest_create"].RateLimited));
        Assert.That(await Sum(browser, "svg#timeline g.sent[data-kind=member_invite] rect", "data-sent"), Is.EqualTo(8));
        Assert.That(await Sum(browser, "svg#timeline rect.refused", "data-rate-limited"), Is.EqualTo(summary.RateLimited));
        Assert.That(await browser.Page.Locator("svg#timeline g.lane[data-kind=guest_create] rect.held[data-hold=cap]").CountAsync(), Is.GreaterThan(0), "the guests waited for their cap");
        Assert.That(await browser.Page.Locator("svg#timeline g.lane[data-kind=member_invite] rect.held[data-hold=cap]").CountAsync(), Is.Zero, "members were not held by it");
        Assert.That(summary.RequestsByKind!["guest_create"].HeldMs, Is.GreaterThan(1000));

        // The invalid row, its hostile cells shown as text.
        var problems = browser.Page.Locator("#problem-rows tbody tr");
        Assert.That(await problems.CountAsync(), Is.EqualTo(1));
        Assert.That(await problems.First.InnerTextAsync(), Does.Contain(Hostile));
        Assert.That(await browser.Page.Locator("script, img").CountAsync(), Is.Zero, "markup from the input is text, never elements");
        Assert.That(await browser.Page.TitleAsync(), Does.Contain("import of people.csv"));
    }

    [Test]
    public async Task ASyncPlan_IsADiffOfJoinersMoversAndHeldLeavers_WithFiguresAsSummaryAndPlanJsonHaveThem_AndItsApplyToo()
    {
        var day1 = Roster(members: 12, guests: 4);
        Assert.That((await Sync("day1", day1.Write(_workspace, "day1.csv"), "--yes")).ExitCode, Is.EqualTo(0));
        var day2 = day1.Without(members: 2, guests: 1).WithRoles(1, "admin").WithJoiners(members: 2, guests: 1);
        var roster = day2.Write(_workspace, "day2.csv");
        File.AppendAllText(roster, $"\"{Hostile}\",First,Last,member,standard\n");

        var planned = await Sync("plan", roster, "--plan");

        Assert.That(planned.ExitCode, Is.EqualTo(2), "an invalid row: " + planned);
        var folder = Path.Combine(_workspace.Folder, "plan");
        var summaryPath = Directory.GetFiles(folder, "*.summary.json").Single();
        var planPath = Directory.GetFiles(folder, "*.plan.json").Single();
        var html = Directory.GetFiles(folder, "*.report.html").Single();
        Assert.That(planned.Out, Does.Contain(html));
        using var plan = JsonDocument.Parse(File.ReadAllText(planPath));
        var changes = plan.RootElement.GetProperty("changes").EnumerateArray()
            .Select(c => (Email: c.GetProperty("email").GetString()!, Action: c.GetProperty("action").GetString()!, Detail: c.GetProperty("detail").GetString()!)).ToList();

        await using (var browser = await ReportInBrowser.OpenAsync(html))
        {
            Assert.That(browser.Errors, Is.Empty);
            Assert.That(browser.Fetched, Is.Empty);
            Assert.That(await browser.AssertFiguresEqualAsync(summaryPath), Is.SupersetOf(new[] { "total", "held", "invalid" }));
            Assert.That(await browser.AssertFiguresEqualAsync(planPath, "data-plan-figure"), Is.SupersetOf(new[] { "counts.invite", "counts.create", "counts.update_role", "counts.hold" }));

            var joiners = await Rows(browser, "#joiners");
            Assert.That(joiners.Select(j => j.Email).ToList(), Is.EquivalentTo(changes.Where(c => c.Action is "invite" or "create").Select(c => c.Email)).And.Count.EqualTo(3));
            Assert.That(joiners.Select(j => j.Sign), Is.All.EqualTo("+"));
            var movers = await Rows(browser, "#movers");
            Assert.That(movers.Select(m => m.Email), Is.EqualTo(day2.Members.Where(m => m.Value == "admin").Select(m => m.Key)));
            Assert.That(movers[0].Text, Does.Contain("role").And.Contain("standard → admin"));
            var leavers = await Rows(browser, "#leavers");
            Assert.That(leavers.Select(l => l.Email).ToList(), Is.EquivalentTo(day1.LeftIn(day2)).And.Count.EqualTo(3));
            Assert.That(leavers.Select(l => l.State), Is.All.EqualTo("held"));
            foreach (var leaver in leavers)
            {
                var detail = changes.Single(c => c.Email == leaver.Email && c.Action == "hold").Detail;
                Assert.That(leaver.Text, Does.Contain(detail["held: ".Length..]).And.Contain("held"), "each leaver with its guard's reason");
            }

            Assert.That(await browser.Page.Locator("#problem-rows tbody tr").InnerTextAsync(), Does.Contain(Hostile));
            Assert.That(await browser.Page.Locator("script").CountAsync(), Is.Zero);
        }

        // Applied as approved: the joiners and the mover go, the leavers stay held (exit 5); its report too is the summary's.
        var applied = await Sync("apply", null, "--apply", planPath);

        Assert.That(applied.ExitCode, Is.EqualTo(5), applied.ToString());
        var appliedFolder = Path.Combine(_workspace.Folder, "apply");
        await using (var browser = await ReportInBrowser.OpenAsync(Directory.GetFiles(appliedFolder, "*.report.html").Single()))
        {
            Assert.That(browser.Errors, Is.Empty);
            var shown = await browser.AssertFiguresEqualAsync(Directory.GetFiles(appliedFolder, "*.summary.json").Single());
            Assert.That(shown, Is.SupersetOf(new[] { "created", "invited", "updated", "held", "requests", "requests_by_kind.read.requests", "requests_by_kind.member_invite.requests" }));
            Assert.That((await Rows(browser, "#leavers")).Select(l => l.State).ToList(), Is.EqualTo(new[] { "held", "held", "held" }));
        }
    }

    private static async Task<long> Sum(ReportInBrowser browser, string selector, string attribute) =>
        (await browser.Page.Locator(selector).EvaluateAllAsync<string[]>($"elements => elements.map(e => e.getAttribute('{attribute}'))")).Sum(long.Parse);

    private static async Task<List<(string Email, string Sign, string? State, string Text)>> Rows(ReportInBrowser browser, string table)
    {
        var rows = await browser.Page.Locator($"{table} tbody tr").EvaluateAllAsync<string[][]>(
            "rows => rows.map(r => [r.getAttribute('data-email'), r.querySelector('td.sign').innerText, r.getAttribute('data-state') ?? '', r.innerText])");
        return [.. rows.Select(r => (r[0], r[1], r[2].Length == 0 ? null : r[2], r[3]))];
    }
}
