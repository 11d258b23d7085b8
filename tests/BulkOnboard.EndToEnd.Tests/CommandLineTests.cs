using BulkOnboard.EndToEnd.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>A newcomer's first commands: a mistyped command names the nearest one, and <c>--version</c> works everywhere without credentials.</summary>
public class CommandLineTests
{
    [TestCase("improt", "import")]
    [TestCase("sycn", "sync")]
    [TestCase("frobnicate", null)]
    public async Task AnUnknownCommand_IsOneLine_NamingItAndTheNearest(string typed, string? nearest)
    {
        var result = await CliRun.RunAsync(null, typed, "people.csv");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.Count.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain($"unknown command '{typed}'").And.Contain("the nearest is").And.Not.Contain("Required command"));
        if (nearest is not null)
        {
            Assert.That(result.ErrorLines[0], Does.Contain($"the nearest is '{nearest}'"));
        }
    }

    [TestCase("--version")]
    [TestCase("import", "--version")]
    [TestCase("sync", "--version")]
    [TestCase("due", "--version")]
    public async Task Version_WorksOnEveryCommand_WithoutCredentials(params string[] args)
    {
        var result = await CliRun.RunAsync(new Dictionary<string, string?>(), args);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out.Trim(), Does.Match(@"^bulkonboard \d+\.\d+"));
        Assert.That(result.Error, Is.Empty);
    }

    [Test]
    public async Task ASandboxTrial_KeepsItsOwnJournal_NotTheRealOne()
    {
        using var workspace = new Workspace();
        var file = workspace.Write("people.csv", "Email,First Name,Type\ntrial@x.example,Tri,guest\n");

        // No Journal:Path given: the trial's journal is its own (made afresh here, so the test sees this run make it).
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(BulkOnboard.Cli.Hosting.InProcessSandbox.TrialJournal);
        var trial = await CliRun.RunAsync(new Dictionary<string, string?> { ["Journal:Path"] = null }, "import", file, "--sandbox", "--out", workspace.ReportFolder);

        Assert.That(trial.ExitCode, Is.EqualTo(0), trial.ToString());
        Assert.That(File.Exists(BulkOnboard.Cli.Hosting.InProcessSandbox.TrialJournal), Is.True);
        var history = await CliRun.RunAsync(new Dictionary<string, string?> { ["Journal:Path"] = BulkOnboard.Cli.Hosting.InProcessSandbox.TrialJournal }, "history");
        Assert.That(history.Out, Does.Contain("people.csv"), history.ToString());
    }
}
