using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests.Sources;

/// <summary>
/// What a source request carries is one line each: a line break in a <c>Sources:Headers</c> value (header
/// injection) is refused before anything is fetched; a secret file's one trailing line break (a mounted
/// Kubernetes secret) is dropped, any other control character in it refused.
/// </summary>
public class SourceHeaderTests
{
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
        _server.Csv("/report.csv", HttpsSourceTests.Roster(2));
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

    [TestCase("Sources:Headers:X-Api-Key", "k3y\r\nX-Injected: 1", "Sources:Headers:X-Api-Key holds a line break")]
    [TestCase("Sources:Headers:X-Api-Key", "k3y\n", "Sources:Headers:X-Api-Key holds a line break (character 4, the last)")]
    [TestCase("Sources:hr:Headers:Authorization", "Bearer k3y\u0000", "Sources:hr:Headers:Authorization holds a control character (U+0000")]
    public async Task ALineBreakInAHeader_IsRefused_BeforeAnythingIsFetched_Exit1(string key, string value, string expected)
    {
        _settings[key] = value;
        _settings["Sources:hr:Url"] = _server.Url("/report.csv");
        var source = key.StartsWith("Sources:hr:", StringComparison.Ordinal) ? "hr" : _server.Url("/report.csv");

        var result = await CliRun.RunAsync(_settings, "import", source, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Single(l => l.StartsWith("bulkonboard: error:", StringComparison.Ordinal)), Does.Contain(expected));
        Assert.That(result.Error + result.Out, Does.Not.Contain("k3y").And.Not.Contain("Injected"), "the value is never shown");
        Assert.That(_server.Authorizations, Is.Empty, "nothing fetched");
        Assert.That(_sandbox.State.Requests, Is.Empty, "nothing sent");
    }

    [TestCase("s3cret\n")]
    [TestCase("s3cret\r\n")]
    [TestCase("s3cret")]
    public async Task ASecretFileWithOneTrailingLineBreak_IsUsedWithoutIt(string contents)
    {
        _settings["Sources:Username"] = "hr-bot";
        _settings["Sources:PasswordFile"] = _workspace.Write("password", contents);

        var result = await CliRun.RunAsync(_settings, "import", _server.Url("/report.csv"), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_server.Authorizations, Is.All.EqualTo("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("hr-bot:s3cret"))));
    }

    [TestCase("s3cret\n\n")]
    [TestCase("s3c\nret\n")]
    public async Task ASecretFileWithALineBreakInside_IsRefused_Exit1(string contents)
    {
        _settings["Sources:Username"] = "hr-bot";
        _settings["Sources:PasswordFile"] = _workspace.Write("password", contents);

        var result = await CliRun.RunAsync(_settings, "import", _server.Url("/report.csv"), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("Sources:PasswordFile").And.Contain("holds a line break").And.Not.Contain("s3c"));
        Assert.That(_server.Authorizations, Is.Empty, "nothing fetched");
    }
}
