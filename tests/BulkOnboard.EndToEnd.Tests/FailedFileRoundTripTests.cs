using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

public class FailedFileRoundTripTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task FailedFile_FixedAndFedBack_SendsExactlyThoseRows_WithEscapedCellsRestored()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var input = _workspace.Write("dump.csv",
            "Email;First Name;Last Name;Type;Phone;Company\n" +
            "ok@x.example;Ok;Person;guest;+44 20 7946 0018;=Acme\n" +
            "broken-at-x.example;Bro;Ken;guest;+44 20 7946 0019;@Corp\n" +
            "mo@x.example;Mo;;member;;\n");

        var first = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", input, "--out", _workspace.ReportFolder);
        Assert.That(first.ExitCode, Is.EqualTo(2), first.ToString());
        var failed = _workspace.Reports.FailedPath;
        var text = File.ReadAllText(failed);
        Assert.That(text, Does.Contain("'+44 20 7946 0019").And.Contain("'@Corp"), "cells a spreadsheet would run are escaped");

        // The admin fixes the two rows in the failed file and imports it as it is.
        var fixedPath = _workspace.Write("dump.failed.fixed.csv", text.Replace("broken-at-x.example", "broken@x.example", StringComparison.Ordinal).Replace("mo@x.example,Mo,,", "mo@x.example,Mo,Ray,", StringComparison.Ordinal));
        var secondOut = Path.Combine(_workspace.Folder, "second");
        var second = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", fixedPath, "--out", secondOut);

        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        Assert.That(new Reports(secondOut).Results().Select(r => (r.Email, r.Outcome)), Is.EqualTo(new[] { ("broken@x.example", "created"), ("mo@x.example", "invited") }));
        var guest = sandbox.State.Guests["broken@x.example"].Fields;
        Assert.That((guest["phone_1"], guest["company_name"]), Is.EqualTo(("+44 20 7946 0019", "@Corp")), "the escape is taken off again on the way in");
        Assert.That(sandbox.State.Guests["ok@x.example"].Fields["company_name"], Is.EqualTo("=Acme"));
        Assert.That(sandbox.State.WritesFor("ok@x.example"), Is.EqualTo(1), "rows that succeeded are not in the failed file");
    }
}
