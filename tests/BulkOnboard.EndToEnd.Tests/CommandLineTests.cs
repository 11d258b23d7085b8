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

    [TestCase("import")]
    [TestCase("validate")]
    [TestCase("inspect")]
    public async Task ACommandWithoutItsFile_IsOneLine_SayingWhatItNeeds(string command)
    {
        var result = await CliRun.RunAsync(null, command);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.Count.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.Contain($"{command} needs a <file> (a path, -, a URL").And.Contain($"see 'bulkonboard {command} --help'")
            .And.Not.Contain("Required argument missing"));
    }

    [Test]
    public async Task NoCommand_IsOneLine_ListingTheCommands()
    {
        var result = await CliRun.RunAsync(new Dictionary<string, string?>());

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.Count.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("no command given").And.Contain("import, validate").And.Contain("--help").And.Not.Contain("Required command"));
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

    /// <summary>Every command of the tree, however it grows: <c>--help</c> and <c>--version</c> exit 0 with no credentials and nothing on standard error.</summary>
    [Test]
    public async Task HelpAndVersion_WorkOnEveryCommand_WithoutCredentials()
    {
        var commands = BulkOnboard.Cli.BulkOnboardCli.CreateRootCommand(new BulkOnboard.Cli.CliEnvironment(TextWriter.Null, TextWriter.Null, false)).Subcommands.Select(c => c.Name).ToList();
        Assert.That(commands, Has.Count.GreaterThanOrEqualTo(9));
        await Assert.MultipleAsync(async () =>
        {
            foreach (var command in commands)
            {
                var help = await CliRun.RunAsync(new Dictionary<string, string?>(), command, "--help");
                var version = await CliRun.RunAsync(new Dictionary<string, string?>(), command, "--version");
                Assert.That((help.ExitCode, help.Error, help.Out.Contains("Usage:", StringComparison.Ordinal)), Is.EqualTo((0, string.Empty, true)), command + " --help\n" + help);
                Assert.That((version.ExitCode, version.Error, version.Out.StartsWith("bulkonboard ", StringComparison.Ordinal)), Is.EqualTo((0, string.Empty, true)), command + " --version\n" + version);
            }
        });
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

        // The newcomer's next step: history. The real journal has no run yet: an answer, not an error, pointing at the trial's.
        var real = await CliRun.RunAsync(new Dictionary<string, string?> { ["Journal:Path"] = Path.Combine(workspace.Folder, "real", "journal.db") }, "history");
        Assert.That((real.ExitCode, real.Error), Is.EqualTo((0, string.Empty)), real.ToString());
        Assert.That(real.Out, Does.Contain("No runs yet").And.Contain("bulkonboard history --sandbox"));
        var trialHistory = await CliRun.RunAsync(new Dictionary<string, string?> { ["Journal:Path"] = null }, "history", "--sandbox");
        Assert.That(trialHistory.ExitCode, Is.EqualTo(0), trialHistory.ToString());
        Assert.That(trialHistory.Out, Does.Contain("people.csv").And.Contain(BulkOnboard.Cli.Hosting.InProcessSandbox.TrialJournal));
    }

    [Test]
    public async Task Validate_IsATruePreview_ScheduledAndEndedAsImportWouldMakeThem_AndTheProblemsOnScreen()
    {
        using var workspace = new Workspace();
        string Day(int days) => DateTime.UtcNow.AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var file = workspace.Write("hires.csv", "Email,First Name,Last Name,Type,Role,Start Date,End Date\n"
            + $"later@contoso.example,La,Ter,member,standard,{Day(30)},\n"
            + $"gone@contoso.example,Go,Ne,member,standard,{Day(-100)},{Day(-2)}\n"
            + "now@contoso.example,No,W,member,standard,,\n"
            + "guest@partner.example,Gu,Est,guest,,,\n"
            + "bad@contoso.example,Ba,D,member,superuser,,\n");

        var result = await CliRun.RunAsync(new Dictionary<string, string?> { ["Dates:DefaultTimeZone"] = "UTC" }, "validate", file, "--out", workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var lines = workspace.Reports.Results().ToDictionary(l => l.Email);
        Assert.That((lines["later@contoso.example"].Outcome, lines["later@contoso.example"].Reason), Is.EqualTo(("scheduled", "starts_later")));
        Assert.That((lines["gone@contoso.example"].Outcome, lines["gone@contoso.example"].Reason), Is.EqualTo(("skipped", "ended")));
        Assert.That((lines["now@contoso.example"].Outcome, lines["now@contoso.example"].Reason), Is.EqualTo(("valid", "would_invite")));
        Assert.That((lines["guest@partner.example"].Outcome, lines["guest@partner.example"].Reason), Is.EqualTo(("valid", "would_create")));
        Assert.That(result.Out, Does.Contain("First problems:").And.Contain("row 6 bad@contoso.example: invalid: Role"));
    }
}
