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
}
