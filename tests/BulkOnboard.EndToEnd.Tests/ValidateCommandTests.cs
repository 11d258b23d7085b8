using BulkOnboard.EndToEnd.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

public class ValidateCommandTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task Validate_NeedsNoTokenAndReportsValidAndInvalid()
    {
        var file = _workspace.Write("v.csv", "Email,Type,First Name,Last Name\nok@x.example,guest,,\nbad-email,guest,,\nm@x.example,member,Mo,\n");

        var result = await CliRun.RunAsync(new Dictionary<string, string?> { ["Tallyfy:AccessToken"] = "", ["Tallyfy:OrganizationId"] = "" },
            "validate", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(_workspace.Reports.Results().Select(r => (r.Row, r.Outcome)), Is.EqualTo(new[] { (2, "valid"), (3, "invalid"), (4, "invalid") }));
        var summary = _workspace.Reports.Summary;
        Assert.That((summary.Command, summary.Valid, summary.Invalid, summary.Requests), Is.EqualTo(("validate", 1, 2, 0L)));
        Assert.That(result.ErrorLines.Where(l => l.Contains("Finished v.csv", StringComparison.Ordinal)).ToList(),
            Has.Count.EqualTo(1).And.All.Contain("1 valid").And.All.Contain("2 invalid"), "the log's closing line says what validate found");
    }

    [Test]
    public async Task Validate_SaysOnScreenAndInTheSummary_WhatImportWouldDoWithTheValidRows()
    {
        var file = _workspace.Write("p.csv", "Email,Type,First Name,Last Name,Role\ng1@x.example,guest,,,\ng2@x.example,guest,,,\nm1@x.example,member,Mo,Ra,standard\nbad,guest,,,\n");

        var result = await CliRun.RunAsync(null, "validate", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(_workspace.Reports.Summary.ValidReasons, Is.EqualTo(new Dictionary<string, int> { ["would_create"] = 2, ["would_invite"] = 1 }));
        Assert.That(result.Out, Does.Match(@"valid \(would_create\)\s*│\s*2").And.Match(@"valid \(would_invite\)\s*│\s*1"), "the counts on screen, not only in the files");
    }

    [Test]
    public async Task Validate_AllValid_ExitsZero()
    {
        var file = _workspace.Write("ok.csv", "Email\na@x.example\nb@x.example\n");

        var result = await CliRun.RunAsync(null, "validate", file, "--kind", "guest", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
    }

    [Test]
    public async Task Validate_AcceptsTheCommonOptions_AScriptPassesToEveryCommand()
    {
        var file = _workspace.Write("ok.csv", "Email\na@x.example\n");

        var result = await CliRun.RunAsync(null, "validate", file, "--kind", "guest", "--out", _workspace.ReportFolder, "--rate-limit", "60",
            "--concurrency", "2", "--force", "--on-existing", "update", "--preflight", "--sandbox");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Not.Contain("sandbox at"), "validate sends nothing, so it starts no sandbox");
    }

    [Test]
    public async Task WatchOnce_WithTheBuiltInSandbox()
    {
        var inbox = Path.Combine(_workspace.Folder, "inbox");
        Directory.CreateDirectory(inbox);
        File.WriteAllText(Path.Combine(inbox, "people.csv"), "Email,Type\nw1@x.example,guest\nw2@x.example,guest\n");
        File.SetLastWriteTimeUtc(Path.Combine(inbox, "people.csv"), DateTime.UtcNow.AddMinutes(-1));

        var result = await CliRun.RunAsync(null, "watch", "--inbox", inbox, "--once", "--sandbox", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Contain("sandbox at"));
        Assert.That(_workspace.Reports.Summary.Created, Is.EqualTo(2));
    }

    [TestCase("--help")]
    [TestCase("--version")]
    public async Task HelpAndVersion_ExitZero(string option)
    {
        var result = await CliRun.RunAsync(null, option);

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Out, Is.Not.Empty);
    }

    [Test]
    public async Task ImportHelp_DocumentsTheOptions()
    {
        var result = await CliRun.RunAsync(null, "import", "--help");

        Assert.That(result.Out, Does.Contain("--sandbox").And.Contain("--kind").And.Contain("--out").And.Contain("--rate-limit").And.Contain("--token-file"));
    }
}
