using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>The real CLI against limits as real APIs set them: strict windows, two at once, a long Retry-After.</summary>
public class RateLimitTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task ThrottledMidRun_RowsWaitOutTheRetryAfter_NoneFailsAndNoneSpendsAnAttempt()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ThrottleAfterRequests = 10, ThrottleDuration = TimeSpan.FromSeconds(3) });
        var settings = CliRun.SettingsFor(sandbox);
        settings["Delivery:MaxAttempts"] = "1"; // a 429 that cost an attempt would fail the row

        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("people.csv", Rows(30)), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_workspace.Reports.Results().Select(l => (l.Outcome, l.Attempts)), Is.All.EqualTo(("created", 1)));
        var summary = _workspace.Reports.Summary;
        Assert.That(summary.RateLimited, Is.GreaterThan(0));
        Assert.That(summary.RateLimitWaitMs, Is.InRange(2000, 6000), "the run waited the whole Retry-After (3 s, sent as whole seconds)");
        Assert.That(result.Error, Does.Contain("waiting for the API's allowance").IgnoreCase.And.Contain("every request waits until"));
        Assert.That(sandbox.State.Guests, Has.Count.EqualTo(30));
    }

    [Test]
    public async Task RetryAfterLongerThanMaxRateLimitWait_StopsWithExit3_AndAReRunSendsOnlyTheRest()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ThrottleAfterRequests = 10, ThrottleDuration = TimeSpan.FromSeconds(4) });
        var settings = CliRun.SettingsFor(sandbox);
        settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        settings["Delivery:MaxRateLimitWait"] = "00:00:01";
        var file = _workspace.Write("people.csv", Rows(30));

        var first = await CliRun.RunAsync(settings, "import", file, "--out", Path.Combine(_workspace.Folder, "first"));

        Assert.That(first.ExitCode, Is.EqualTo(3), first.ToString());
        var stopped = new Reports(Path.Combine(_workspace.Folder, "first"));
        Assert.That(stopped.Results().Select(l => l.Outcome), Is.All.AnyOf("created", "not_attempted"));
        Assert.That(stopped.Results().Count(l => l.Outcome == "not_attempted"), Is.GreaterThan(0));
        Assert.That(stopped.Summary.StoppedBecause, Does.Contain("Delivery:MaxRateLimitWait"));
        Assert.That(stopped.Summary.Failed, Is.Zero, "a row never fails because the API asked us to wait");

        sandbox.State.ThrottleUntil(DateTimeOffset.MinValue); // the allowance is back (no need to sit out the 4 s)
        settings.Remove("Delivery:MaxRateLimitWait");
        var again = await CliRun.RunAsync(settings, "import", file, "--out", Path.Combine(_workspace.Folder, "again"));

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(sandbox.State.Guests, Has.Count.EqualTo(30));
        var applied = sandbox.State.Requests.Where(r => r.Applied).GroupBy(r => r.Email).ToDictionary(g => g.Key!, g => g.Count());
        Assert.That(Enumerable.Range(0, 30).Select(i => applied.GetValueOrDefault($"p{i}@x.example")), Is.All.EqualTo(1), "every row applied once: none sent twice, none lost");
        Assert.That(sandbox.State.Requests.Count(r => r.Method == "POST" && r.Status != 429), Is.EqualTo(30), "the re-run sent only what the first run had not done");
    }

    [Test]
    public async Task StrictWindowsStatedByPolicy_AreLearned_AndMetWithoutA429()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { RateLimits = ["20/1s", "30/4s"], RateLimitHeaders = "ietf" });

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", _workspace.Write("people.csv", Rows(40)), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var summary = _workspace.Reports.Summary;
        Assert.That(summary.ApiLimits!.Select(l => (l.Requests, l.WindowSeconds, l.Source)),
            Is.EquivalentTo(new[] { (20, 1.0, "RateLimit-Policy"), (30, 4.0, "RateLimit-Policy") }));
        Assert.That(summary.RateLimited, Is.LessThanOrEqualTo(1), "only the first answer can come before the policy is known");
        Assert.That(summary.ElapsedMs, Is.GreaterThan(4000), "the 31st request waits for the first to leave the 4 s window");
    }

    [Test]
    public async Task NoHeadersAtAll_APerSecondLimit_IsLearnedFromItsRefusals()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { RateLimits = ["10/1s"], SendRateLimitHeaders = false });

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox, requestsPerMinute: 1200), "import", _workspace.Write("people.csv", Rows(40)), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var summary = _workspace.Reports.Summary;
        Assert.That(summary.ApiLimits!.Select(l => (l.Requests, l.WindowSeconds)), Is.EqualTo(new[] { (10, 1.0) }));
        Assert.That(summary.RateLimited, Is.InRange(1, 4), "a few refusals teach the window; after that none");
    }

    private static string Rows(int count)
    {
        var csv = new StringBuilder("Email,First Name,Type\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append($"p{i}@x.example,P{i},guest\n");
        }

        return csv.ToString();
    }
}
