using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>A filter that cannot be evaluated keeps its row out of what is sent.</summary>
public class FilterFailClosedTests
{
    [Test]
    public async Task ExcludeRuleThatTimesOut_TheRowIsNotSent_SkippedFilteredSayingWhy_OneWarning()
    {
        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var settings = CliRun.SettingsFor(sandbox);
        settings["Import:DefaultKind"] = "guest";

        // A backreference needs backtracking, so this pattern runs with the match timeout, and the note makes it explode.
        var mapping = workspace.Write("mapping.json", """{ "exclude": [ { "column": "Note", "matches": "^(a+)+(b)\\2$" } ] }""");
        var file = workspace.Write("people.csv", $"Email,First Name,Note\nleave-out@example.com,Lee,{new string('a', 40)}!\nkeep@example.com,Kip,fine\n");

        var result = await CliRun.RunAsync(settings, "import", file, "--mapping", mapping, "--out", workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(sandbox.State.Guests.Keys, Is.EquivalentTo(new[] { "keep@example.com" }));
        var row = workspace.Reports.Results().Single(r => r.Email == "leave-out@example.com");
        Assert.That((row.Outcome, row.Reason), Is.EqualTo(("skipped", "filtered")));
        Assert.That(row.Message, Does.Contain("could not be evaluated"));
        Assert.That(result.Error.Split('\n').Count(l => l.Contains("WRN", StringComparison.Ordinal) && l.Contains("could not be evaluated", StringComparison.Ordinal)), Is.EqualTo(1));
    }
}
