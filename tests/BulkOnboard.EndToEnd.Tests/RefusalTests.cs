using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Refusals scoped to what they refuse: a 403 for one invite, a seat pool that runs out.</summary>
public class RefusalTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task TokenThatMayNotInviteAdmins_OnlyTheAdminRowsFail_WithTallyfysMessage_Exit2()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { TokenMayInviteAdmins = false });
        var csv = new StringBuilder("Email,First Name,Last Name,Role,Type\n");
        for (var i = 0; i < 100; i++)
        {
            csv.Append($"m{i}@x.example,M,{i},{(i is 10 or 50 or 90 ? "admin" : "standard")},member\n");
        }

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", _workspace.Write("members.csv", csv.ToString()), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var lines = _workspace.Reports.Results();
        Assert.That(lines.Count(l => l.Outcome == "invited"), Is.EqualTo(97));
        var failed = lines.Where(l => l.Outcome == "failed").ToList();
        Assert.That(failed.Select(l => l.Email), Is.EquivalentTo(new[] { "m10@x.example", "m50@x.example", "m90@x.example" }));
        Assert.That(failed.Select(l => l.Message), Is.All.Contain("You do not have permission to invite administrators."));
        Assert.That(sandbox.State.Members, Has.Count.EqualTo(97));
    }

    [Test]
    public async Task SeatPoolRunsOut_MemberInvitesStop_GuestsGoOn_Exit3_ThenAReRunInvitesTheRestOnly()
    {
        var options = new SandboxOptions { SeatLimit = 50 };
        await using var sandbox = await SandboxServer.StartAsync(options);
        var settings = CliRun.SettingsFor(sandbox);
        settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        settings["Delivery:MaxConcurrency"] = "1"; // one at a time: exactly the 51st invite meets the limit
        var csv = new StringBuilder("Email,First Name,Last Name,Type\n");
        for (var i = 0; i < 120; i++)
        {
            csv.Append(i % 3 == 2 ? $"g{i}@x.example,G,{i},guest\n" : $"m{i}@x.example,M,{i},member\n");
        }

        var file = _workspace.Write("people.csv", csv.ToString());

        var first = await CliRun.RunAsync(settings, "import", file, "--out", Path.Combine(_workspace.Folder, "first"));

        Assert.That(first.ExitCode, Is.EqualTo(3), first.ToString());
        var summary = new Reports(Path.Combine(_workspace.Folder, "first")).Summary;
        Assert.That((summary.Invited, summary.NotAttempted, summary.Created), Is.EqualTo((50, 30, 40)));
        var invitesSent = sandbox.State.Requests.Count(r => r.Path.EndsWith("/users/invite", StringComparison.Ordinal));
        Assert.That(invitesSent, Is.EqualTo(51), "after the one refused invite, no further invite is sent");

        options.SeatLimit = null; // seats added
        var again = await CliRun.RunAsync(settings, "import", file, "--out", Path.Combine(_workspace.Folder, "again"));

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        var rerun = new Reports(Path.Combine(_workspace.Folder, "again")).Summary;
        Assert.That((rerun.Invited, rerun.Created, rerun.Skipped), Is.EqualTo((30, 0, 90)));
        Assert.That(sandbox.State.Members, Has.Count.EqualTo(80));
        Assert.That(sandbox.State.Requests.Count(r => r.Method == "POST") - invitesSent - 40, Is.EqualTo(30), "the re-run sends the 30 invites and nothing else");
    }

    [Test]
    public async Task EndpointNotFound_OnTheFirstRequest_StopsTheRun_Exit3_OneLineNamingBaseUrl_NoRowFailed()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var settings = CliRun.SettingsFor(sandbox);
        settings["Tallyfy:BaseUrl"] = sandbox.BaseUrl + "/v2"; // a wrong base URL: every path is unknown
        var file = _workspace.Write("people.csv", People(guests: 10, members: 10));

        var result = await CliRun.RunAsync(settings, "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        var lines = _workspace.Reports.Results();
        Assert.That(lines.Count(l => l.Outcome == "failed"), Is.Zero);
        Assert.That(lines.Select(l => l.Outcome).Distinct(), Is.EqualTo(new[] { "not_attempted" }));
        // Once on screen (the summary) and once logged (stderr and the log file), never per row.
        foreach (var stream in new[] { result.Out, result.Error })
        {
            var stopped = stream.Split('\n').Where(l => l.Contains("Stopped early", StringComparison.Ordinal)).ToList();
            Assert.That(stopped, Has.Count.EqualTo(1).And.All.Contain("check Tallyfy:BaseUrl"), result.ToString());
        }
        Assert.That(sandbox.State.Requests.Where(r => r.Status == 404).Select(r => r.Path), Is.All.StartWith("/api/v2/"));
    }

    [Test]
    public async Task TokenOfAnotherOrganization_StopsTheRun_Exit3_NamingTheCause_NoRowFailed()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { WrongOrganization = true });
        var file = _workspace.Write("people.csv", People(guests: 10, members: 10));

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        var lines = _workspace.Reports.Results();
        Assert.That(lines.Count(l => l.Outcome == "failed"), Is.Zero);
        Assert.That(lines.Count(l => l.Outcome == "not_attempted"), Is.EqualTo(20));
        Assert.That(result.Out, Does.Contain("the token belongs to another organization"), result.ToString());
    }

    [Test]
    public async Task RequireSso_MemberInvitesStop_GuestsGoOn_Exit3()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { RequireSso = true });
        var settings = CliRun.SettingsFor(sandbox);
        settings["Delivery:MaxConcurrency"] = "1"; // one at a time: exactly one invite meets the refusal
        var file = _workspace.Write("people.csv", People(guests: 30, members: 30));

        var result = await CliRun.RunAsync(settings, "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        var summary = _workspace.Reports.Summary;
        Assert.That((summary.Created, summary.Invited, summary.NotAttempted, summary.Failed), Is.EqualTo((30, 0, 30, 0)));
        Assert.That(sandbox.State.Requests.Count(r => r.Path.EndsWith("/users/invite", StringComparison.Ordinal)), Is.EqualTo(1), "no invite after the refusal");
        Assert.That(_workspace.Reports.Results().Where(l => l.Kind == "member").Select(l => l.Message), Is.All.Contain("SSO"));
    }

    [Test]
    public async Task FullSeatPoolRunsOut_OnlyAdminAndStandardInvitesStop_LightInvitesAndGuestsGoOn()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { SeatLimit = 10 });
        var settings = CliRun.SettingsFor(sandbox);
        settings["Delivery:MaxConcurrency"] = "1";
        var file = _workspace.Write("people.csv", People(guests: 10, members: 40, lightEvery: 2));

        var result = await CliRun.RunAsync(settings, "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        var lines = _workspace.Reports.Results();
        Assert.That(lines.Count(l => l.Outcome == "created"), Is.EqualTo(10));
        Assert.That(sandbox.State.Members.Values.Count(m => m.Fields.GetValueOrDefault("role") == "light"), Is.EqualTo(20), "every light member invited");
        Assert.That(sandbox.State.Members.Values.Count(m => m.Fields.GetValueOrDefault("role") != "light"), Is.EqualTo(10));
        Assert.That(lines.Count(l => l.Outcome == "not_attempted"), Is.EqualTo(10));
        Assert.That(lines.Count(l => l.Outcome == "failed"), Is.Zero);
    }

    [Test]
    public async Task LightSeatPoolRunsOut_OnlyLightInvitesStop()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { LightSeatLimit = 5 });
        var settings = CliRun.SettingsFor(sandbox);
        settings["Delivery:MaxConcurrency"] = "1";
        var file = _workspace.Write("people.csv", People(guests: 0, members: 40, lightEvery: 2));

        var result = await CliRun.RunAsync(settings, "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(sandbox.State.Members.Values.Count(m => m.Fields.GetValueOrDefault("role") == "light"), Is.EqualTo(5));
        Assert.That(sandbox.State.Members.Values.Count(m => m.Fields.GetValueOrDefault("role") != "light"), Is.EqualTo(20), "standard invites go on");
        Assert.That(_workspace.Reports.Summary.NotAttempted, Is.EqualTo(15));
        Assert.That(sandbox.State.Requests.Count(r => r.Status == 409), Is.EqualTo(1), "no light invite after the refusal");
    }

    /// <summary>Guests and members interleaved; every <paramref name="lightEvery"/>th member light, the rest standard.</summary>
    private static string People(int guests, int members, int lightEvery = 0)
    {
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Role\n");
        for (var i = 0; i < Math.Max(guests, members); i++)
        {
            if (i < members)
            {
                csv.Append($"m{i}@x.example,M,{i},member,{(lightEvery > 0 && i % lightEvery == 0 ? "light" : "standard")}\n");
            }

            if (i < guests)
            {
                csv.Append($"g{i}@x.example,G,{i},guest,\n");
            }
        }

        return csv.ToString();
    }
}
