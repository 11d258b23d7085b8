using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests.Sources;

/// <summary>
/// A login page served as plain text with 200 reads as a table with an Email header: it is refused as not
/// a roster (exit 6), and never becomes the source's last good fetch, which later fetches are compared with.
/// </summary>
public class LoginPageSourceTests
{
    private const string LoginPage = "Sign in to Contoso HR\nEmail\nPassword\n[ Sign in ]\nForgot your password?\n";

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private HttpsSourceServer _server = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _server = await HttpsSourceServer.StartAsync(_workspace.Folder);
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Sources:CaCertificate"] = _server.CaFile;
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task APlainTextLoginPage_IsRefused_Exit6_AndIsNoBaseline()
    {
        _server.Csv("/report.csv", LoginPage, contentType: "text/plain");

        var login = await CliRun.RunAsync(_settings, "import", _server.Url("/report.csv"), "--out", _workspace.ReportFolder);
        _server.Csv("/report.csv", HttpsSourceTests.Roster(3));
        var roster = await CliRun.RunAsync(_settings, "import", _server.Url("/report.csv"), "--out", _workspace.ReportFolder);

        Assert.That(login.ExitCode, Is.EqualTo(6), login.ToString());
        Assert.That(login.Error, Does.Contain("is not a roster: only 0 of its 3 rows have an email address"));
        Assert.That(roster.ExitCode, Is.EqualTo(0), roster.ToString());
        Assert.That(roster.Error + roster.Out, Does.Contain("no earlier good fetch to compare with"), "the login page is not the last good fetch");
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(3));
    }
}
