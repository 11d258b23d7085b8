using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>A quoted field left open is an error, never data: exit 1 naming the row, nothing sent, by every command.</summary>
public class MalformedCsvTests
{
    private const string UnclosedQuote =
        "Email,First Name,Last Name\n" +
        "q1@example.com,\"Al,ice,A\n" +
        "q2@example.com,Bob,B\n" +
        "q3@example.com,Cy,C\n" +
        "q4@example.com,Di,D\n";

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Import:DefaultKind"] = "guest";
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [TestCase("import")]
    [TestCase("validate")]
    [TestCase("inspect")]
    public async Task QuoteLeftOpen_Exit1_NamingTheRowWhereItOpened_NothingSent(string command)
    {
        var file = _workspace.Write("people.csv", UnclosedQuote);

        var result = await CliRun.RunAsync(_settings, command == "inspect" ? [command, file] : [command, file, "--out", _workspace.ReportFolder]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Single(), Does.StartWith("bulkonboard: error: ").And.Contain("row 2 opens a quoted field that is never closed"));
        Assert.That(_sandbox.State.Requests, Is.Empty);
        Assert.That(_sandbox.State.Guests, Is.Empty);
    }

    [Test]
    public async Task QuoteThatRunsOverThousandsOfLines_Exit1_NamingTheRow()
    {
        var rows = string.Concat(Enumerable.Range(0, 3_000).Select(i => $"p{i}@example.com,P,{i}\n"));
        var file = _workspace.Write("people.csv", $"Email,First Name,Last Name\nok@example.com,Ok,Fine\nq1@example.com,\"Al,A\n{rows}closed\",x\n");

        var result = await CliRun.RunAsync(_settings, "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Single(), Does.Contain("row 3 opens a quoted field that runs over more than 1,000 lines"));
        Assert.That(_sandbox.State.Requests, Is.Empty);
    }

    [Test]
    public async Task StrayQuoteInsideAField_IsReadAsText_AndLogged()
    {
        var file = _workspace.Write("people.csv", "Email,First Name\nann@example.com,An\"n\nbob@example.com,Bob\n");

        var result = await CliRun.RunAsync(_settings, "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Error + result.Out, Does.Contain("a quote inside an unquoted field; read as text"));
        Assert.That(_sandbox.State.Guests["ann@example.com"].Fields["first_name"], Is.EqualTo("An\"n"));
    }

    [Test]
    public async Task Watch_QuoteLeftOpen_FiledUnderFailed_NothingSent()
    {
        var inbox = Path.Combine(_workspace.Folder, "inbox");
        Directory.CreateDirectory(inbox);
        File.WriteAllText(Path.Combine(inbox, "people.csv"), UnclosedQuote);
        _settings["Watch:SettleTime"] = "00:00:00";

        var result = await CliRun.RunAsync(_settings, "watch", "--inbox", inbox, "--once");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(Directory.GetFiles(Path.Combine(inbox, "failed")).Select(Path.GetFileName), Has.Exactly(1).StartsWith("people."));
        Assert.That(Directory.Exists(Path.Combine(inbox, "done")) ? Directory.GetFiles(Path.Combine(inbox, "done")) : [], Is.Empty);
        Assert.That(_sandbox.State.Requests, Is.Empty);
    }
}
