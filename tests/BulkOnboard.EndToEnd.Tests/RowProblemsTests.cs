using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>All of a row's problems are reported together; addresses Tallyfy would refuse are invalid locally.</summary>
public class RowProblemsTests
{
    [Test]
    public async Task RowWithAnInvalidKind_ReportsItsBadEmailAndTimeZoneToo()
    {
        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var file = workspace.Write("people.csv", "Email,Type,Timezone\nnot-an-email,volunteer,Mars/Olympus\nok@example.com,guest,Europe/London\n");

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", file, "--out", workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var row = workspace.Reports.Results().Single(r => r.Row == 2);
        Assert.That(row.Outcome, Is.EqualTo("invalid"));
        Assert.That(row.Message, Does.Contain("'volunteer' is not a kind").And.Contain("'not-an-email' is not a valid email address").And.Contain("Mars/Olympus"));
    }

    [TestCase("ünïcode@example.com")]
    [TestCase("\uff41@example.com")]
    public async Task NonAsciiEmail_IsInvalidLocally_NeverSent(string email)
    {
        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var file = workspace.Write("people.csv", $"Email,Type\n{email},guest\n");

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", file, "--out", workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(workspace.Reports.Results().Single().Outcome, Is.EqualTo("invalid"));
        Assert.That(sandbox.State.Requests, Is.Empty);
    }
}
