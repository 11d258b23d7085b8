using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>The real CLI against the sandbox over loopback: exit code, report files, and what the server received.</summary>
public class ImportCommandTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task SampleFileOnTheBuiltInSandbox_ShowsEveryOutcomeAndWritesThreeReports()
    {
        var result = await CliRun.RunAsync(new Dictionary<string, string?> { ["Delivery:RequestsPerMinute"] = "6000" },
            "import", Workspace.SampleData("new-people.csv"), "--sandbox", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Out, Does.Contain("Using the built-in sandbox at http://127.0.0.1:"));
        var summary = _workspace.Reports.Summary;
        Assert.That((summary.Total, summary.Created, summary.Invited, summary.Invalid, summary.Failed), Is.EqualTo((20, 7, 5, 5, 0)));
        Assert.That(summary.SkippedReasons, Is.EqualTo(new Dictionary<string, int> { ["already_exists"] = 2, ["duplicate_in_file"] = 1 }));
        Assert.That(_workspace.Reports.Results().Select(r => r.Row), Is.EqualTo(Enumerable.Range(2, 20)), "every row once, in input order");
        Assert.That(File.ReadAllLines(_workspace.Reports.FailedPath), Has.Length.EqualTo(1 + 5));
        Assert.That(result.Out, Does.Contain("invalid").And.Contain("Exit code 2"));

        // A re-run sends everything again (this sandbox starts empty): one line says so, and how to see a re-run send nothing.
        var hint = result.Out.Split('\n').Where(l => l.Contains("starts empty each time", StringComparison.Ordinal)).ToList();
        Assert.That(hint, Has.Count.EqualTo(1).And.All.Contain("bulkonboard sandbox").And.All.Contain("Tallyfy__BaseUrl"), result.ToString());
    }

    [Test]
    public async Task MixedFileWithExistingPeople_AccountsForEveryRowOnce_AndMatchesWhatTheServerHolds()
    {
        var existingGuests = Enumerable.Range(0, 20).Select(i => $"guest{i * 5}@northwind.example").ToList();
        var existingMembers = Enumerable.Range(0, 10).Select(i => $"member{i * 7}@contoso.example").ToList();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ExistingGuests = existingGuests, ExistingMembers = existingMembers });
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Company\n");
        for (var i = 0; i < 120; i++)
        {
            csv.Append($"guest{i}@northwind.example,Guest,Number {i},guest,Northwind\n");
        }

        for (var i = 0; i < 80; i++)
        {
            csv.Append($"member{i}@contoso.example,Member,Number {i},member,Contoso\n");
        }

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", _workspace.Write("mixed.csv", csv.ToString()), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Not.Contain("starts empty each time"), "the hint is for the built-in sandbox only");
        var lines = _workspace.Reports.Results();
        Assert.That(lines.Select(l => l.Row), Is.EqualTo(Enumerable.Range(2, 200)));
        var existing = existingGuests.Concat(existingMembers).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.That(lines.Where(l => existing.Contains(l.Email)).Select(l => (l.Outcome, l.Reason)), Is.All.EqualTo(("skipped", "already_exists")));
        Assert.That(lines.Where(l => !existing.Contains(l.Email)).Select(l => l.Outcome), Is.All.AnyOf("created", "invited"));

        var summary = _workspace.Reports.Summary;
        Assert.That(summary.Created, Is.EqualTo(sandbox.State.Guests.Count - existingGuests.Count));
        Assert.That(summary.Invited, Is.EqualTo(sandbox.State.Members.Count - existingMembers.Count));
        Assert.That(summary.Requests, Is.EqualTo(170 + 2), "the new people, and one listing page per kind: on by default for 120 guests and 80 members");
        Assert.That((summary.PreflightRequests, summary.PreflightSavedPosts), Is.EqualTo(((int?)2, (int?)30)));
        Assert.That(lines.Where(l => !existing.Contains(l.Email)).Select(l => sandbox.State.WritesFor(l.Email)), Is.All.EqualTo(1), "each new email POSTed once");
        Assert.That(lines.Where(l => existing.Contains(l.Email)).Select(l => sandbox.State.WritesFor(l.Email)), Is.All.EqualTo(0), "the existing ones not at all");
    }

    [Test]
    public async Task NoPreflight_SendsEveryRow_AndTallyfysDuplicatesAreSkipped()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ExistingGuests = ["g3@northwind.example", "g7@northwind.example"] });
        var csv = new StringBuilder("Email,Type\n");
        for (var i = 0; i < 30; i++)
        {
            csv.Append($"g{i}@northwind.example,guest\n");
        }

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", _workspace.Write("np.csv", csv.ToString()), "--out", _workspace.ReportFolder, "--no-preflight");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(sandbox.State.Requests.Select(r => r.Method).ToList(), Is.All.EqualTo("POST"), "no listing");
        Assert.That(sandbox.State.Requests, Has.Count.EqualTo(30));
        var summary = _workspace.Reports.Summary;
        Assert.That((summary.Created, summary.Skipped, summary.PreflightRequests), Is.EqualTo((28, 2, (int?)null)));
    }

    [Test]
    public async Task PreflightAndNoPreflightTogether_StopWithOneLine_Exit1()
    {
        var result = await CliRun.RunAsync(null, "import", _workspace.Write("x.csv", "Email\na@x.example\n"), "--kind", "guest", "--preflight", "--no-preflight");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("--preflight and --no-preflight"));
    }

    [Test]
    public async Task FlakyRateLimitedServer_EveryRowStillEndsCreatedInvitedOrSkipped()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            RequestsPerMinute = 1200,
            Burst = 10,
            SendRateLimitHeaders = false, // the client cannot read the limit: it must meet 429s and adapt
            FailureRate = 0.15,
            DropRate = 0.05,
            LostResponseRate = 0.05,
            Seed = 42,
            ExistingGuests = ["already@northwind.example"],
        });
        var csv = new StringBuilder("Email,First Name,Last Name,Type\nalready@northwind.example,Al,Ready,guest\n");
        for (var i = 0; i < 60; i++)
        {
            csv.Append($"person{i}@northwind.example,Per,Son {i},{(i % 3 == 0 ? "member" : "guest")}\n");
        }

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", _workspace.Write("flaky.csv", csv.ToString()), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var lines = _workspace.Reports.Results();
        Assert.That(lines, Has.Count.EqualTo(61));
        Assert.That(lines.Select(l => l.Outcome), Is.All.AnyOf("created", "invited", "skipped"));
        Assert.That(lines.Single(l => l.Email == "already@northwind.example").Outcome, Is.EqualTo("skipped"));
        var summary = _workspace.Reports.Summary;
        Assert.That(summary.Created + summary.Invited, Is.EqualTo(sandbox.State.Guests.Count + sandbox.State.Members.Count - 1), "the report's counts equal the server's state");
        Assert.That(summary.Retries, Is.GreaterThan(0));
        Assert.That(summary.RateLimited, Is.GreaterThan(0), "the server pushed back with 429s");
        Assert.That(sandbox.State.Requests.Where(r => r.Status == 429), Is.Not.Empty);
    }

    [Test]
    public async Task RefusedToken_StopsTheRun_RemainingRowsNotAttempted_Exit3()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var settings = CliRun.SettingsFor(sandbox);
        settings["Tallyfy:AccessToken"] = "expired-token-9f8e7d";
        var csv = new StringBuilder("Email,Type\n");
        for (var i = 0; i < 40; i++)
        {
            csv.Append($"p{i}@x.example,guest\n");
        }

        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("auth.csv", csv.ToString()), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        var summary = _workspace.Reports.Summary;
        Assert.That((summary.Total, summary.NotAttempted), Is.EqualTo((40, 40)));
        Assert.That(summary.StoppedBecause, Does.Contain("HTTP 401"));
        Assert.That(sandbox.State.Requests.Count, Is.LessThanOrEqualTo(8), "at most the requests already in flight");
        Assert.That(File.ReadAllLines(_workspace.Reports.FailedPath), Has.Length.EqualTo(41), "every row can be fed back in");
        var everything = result.Out + result.Error + File.ReadAllText(_workspace.Reports.ResultsPath) + File.ReadAllText(_workspace.Reports.SummaryPath);
        Assert.That(everything, Does.Not.Contain("expired-token-9f8e7d"), "the token never appears in output or reports");
    }

    [Test]
    public async Task ApiDown_RunStopsAfterGiveUpAfter_RowsNotAttempted_Exit3()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { FailureRate = 1.0 });
        var settings = CliRun.SettingsFor(sandbox);
        settings["Delivery:GiveUpAfter"] = "00:00:01";
        settings["Delivery:MaxAttempts"] = "100";
        var csv = new StringBuilder("Email\n");
        for (var i = 0; i < 200; i++)
        {
            csv.Append($"down{i}@x.example\n");
        }

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("down.csv", csv.ToString()), "--kind", "guest", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "it gives up instead of retrying every row");
        var summary = _workspace.Reports.Summary;
        Assert.That((summary.Total, summary.NotAttempted), Is.EqualTo((200, 200)));
        Assert.That(summary.StoppedBecause, Does.Contain("GiveUpAfter"));
    }

    [Test]
    public async Task OutageMidRun_BreakerHoldsEveryoneBack_ThenEveryRowIsCreatedOnce()
    {
        // The API goes down after its 50th request, mid-run however slowly the CLI starts, for eight seconds:
        // longer than five attempts' backoff (0.5+1+2+4 s).
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            OutageAfterRequests = 50,
            OutageDuration = TimeSpan.FromSeconds(8),
            Latency = TimeSpan.FromMilliseconds(5),
        });
        var settings = CliRun.SettingsFor(sandbox, requestsPerMinute: 6_000);
        settings["Delivery:MaxConcurrency"] = "4";
        settings["Delivery:MaxAttempts"] = "5";
        settings["Delivery:RetryBaseDelay"] = "00:00:00.500";
        settings["Delivery:BreakDuration"] = "00:00:01";
        var csv = new StringBuilder("Email\n");
        for (var i = 0; i < 500; i++)
        {
            csv.Append($"outage{i}@x.example\n");
        }

        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("outage.csv", csv.ToString()), "--kind", "guest", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_workspace.Reports.Results().Select(l => l.Outcome), Is.All.EqualTo("created"));
        Assert.That(sandbox.State.Guests, Has.Count.EqualTo(500));
        var refused = sandbox.State.Requests.Count(r => r.Status == 503);
        Assert.That(refused, Is.InRange(1, 60), "during the outage the breaker sends probes, not every row's retries");
        Assert.That(result.Out + result.Error, Does.Contain("The API is failing").And.Contain("every request waits until"));
    }

    [Test]
    public async Task ClientCredentials_TokenRevokedMidRun_IsRenewed_AndEveryRowIsCreated()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            TokenLifetime = TimeSpan.FromMilliseconds(700),
            AnnouncedTokenLifetime = TimeSpan.FromHours(1),
        });
        var settings = CliRun.SettingsFor(sandbox, requestsPerMinute: 1200);
        settings["Tallyfy:AccessToken"] = null;
        settings["Tallyfy:ClientId"] = sandbox.Options.ClientId;
        settings["Tallyfy:ClientSecret"] = sandbox.Options.ClientSecret;
        var csv = new StringBuilder("Email\n");
        for (var i = 0; i < 80; i++)
        {
            csv.Append($"cc{i}@x.example\n");
        }

        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("cc.csv", csv.ToString()), "--kind", "guest", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(sandbox.State.Guests, Has.Count.EqualTo(80));
        Assert.That(sandbox.State.IssuedTokens.Count, Is.GreaterThan(1), "the token was renewed after the API refused it");
        Assert.That(result.Out + result.Error, Does.Not.Contain(sandbox.Options.ClientSecret));
    }

    [Test]
    public async Task ClientCredentialsRefused_RunStops_Exit3()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var settings = CliRun.SettingsFor(sandbox);
        settings["Tallyfy:AccessToken"] = null;
        settings["Tallyfy:ClientId"] = sandbox.Options.ClientId;
        settings["Tallyfy:ClientSecret"] = "wrong-secret-123";

        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("cc.csv", "Email\na@x.example\nb@x.example\n"), "--kind", "guest", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(_workspace.Reports.Summary.StoppedBecause, Does.Contain("client credentials"));
        Assert.That(sandbox.State.Guests, Is.Empty);
        Assert.That(result.Out + result.Error + File.ReadAllText(_workspace.Reports.ResultsPath), Does.Not.Contain("wrong-secret-123"));
    }

    [Test]
    public async Task TokenFromFile_IsUsedAndNeverPrinted()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessToken = "file-token-5a6b7c" });
        var settings = CliRun.SettingsFor(sandbox);
        settings["Tallyfy:AccessToken"] = null;
        var tokenFile = _workspace.Write("token.txt", "file-token-5a6b7c\n");

        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("one.csv", "Email\none@x.example\n"), "--kind", "guest",
            "--token-file", tokenFile, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(sandbox.State.Guests.ContainsKey("one@x.example"), Is.True);
        Assert.That(result.Out + result.Error, Does.Not.Contain("file-token-5a6b7c"));
    }
}
