using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Tokens and options are checked at start-up: one line naming what is wrong, exit 1, nothing sent.</summary>
public class StartupRefusalTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _file = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Import:DefaultKind"] = "guest";
        _file = _workspace.Write("people.csv", "Email\nann@example.com\n");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [TestCase("abc\r\ndef", "a line break")]
    [TestCase("abc\ndef", "a line break")]
    [TestCase("tökén", "not ASCII (U+00F6")]
    [TestCase("abc\u001b[31m", "a control character (U+001B")]
    public async Task MalformedToken_Exit1_NamingTheSetting(string token, string expected)
    {
        _settings["Tallyfy:AccessToken"] = token;

        var result = await CliRun.RunAsync(_settings, "import", _file, "--out", _workspace.ReportFolder);

        AssertRefused(result, "Tallyfy:AccessToken", expected);
        Assert.That(result.Error, Does.Not.Contain("abc"), "the token is never shown");
    }

    [Test]
    public async Task TokenFileOfTwoLines_Exit1()
    {
        var tokenFile = _workspace.Write("token.txt", _sandbox.Options.AccessToken + "\nsecond-line\n");

        var result = await CliRun.RunAsync(_settings, "import", _file, "--token-file", tokenFile, "--out", _workspace.ReportFolder);

        AssertRefused(result, "--token-file", "a line break");
    }

    [TestCase("Tallyfy:BaseUrl", "http://tallyfy.example/api/", "Tallyfy:BaseUrl")]
    [TestCase("Tallyfy:TokenUrl", "http://10.1.2.3/oauth/token", "Tallyfy:TokenUrl")]
    public async Task PlainHttpToAnotherMachine_Exit1(string key, string url, string expected)
    {
        _settings[key] = url;

        var result = await CliRun.RunAsync(_settings, "import", _file, "--out", _workspace.ReportFolder);

        AssertRefused(result, expected, "plain http://");
    }

    [TestCase("Tallyfy:OrganizationId", "sandbox-org\n", "a line break (character 12, the last)")]
    [TestCase("Tallyfy:OrganizationId", "sandbox\u001b-org", "a control character (U+001B")]
    [TestCase("Tallyfy:BaseUrl", "http://127.0.0.1:1/api\r\nX-Injected: 1", "a line break")]
    [TestCase("Tallyfy:ClientSecret", "secret\r\nX-Injected: 1", "a line break")]
    [TestCase("Notify:Webhook:Url", "https://hooks.example/x\nX-Injected: 1", "a line break")]
    public async Task ALineBreakOrControlCharacterInASetting_Exit1_NamingIt(string key, string value, string expected)
    {
        _settings[key] = value;

        var result = await CliRun.RunAsync(_settings, "import", _file, "--out", _workspace.ReportFolder);

        AssertRefused(result, key, expected);
        Assert.That(result.Error, Does.Not.Contain("Injected"), "the value is not shown");
    }

    [TestCase("user:p4ssw0rd@", "", "a user name or password")]
    [TestCase("", "?token=t0k3n-in-url", "a query or fragment")]
    public async Task CredentialsInTheBaseUrl_Exit1_AndNeverReachTheJournal(string userInfo, string query, string expected)
    {
        var journal = Path.Combine(_workspace.Folder, "journal.db");
        _settings["Journal:Path"] = journal;
        _settings["Tallyfy:BaseUrl"] = $"http://{userInfo}127.0.0.1:{_sandbox.BaseUrl.Port}/api{query}";

        var result = await CliRun.RunAsync(_settings, "import", _file, "--out", _workspace.ReportFolder);

        AssertRefused(result, "Tallyfy:BaseUrl", expected);
        Assert.That(result.Error, Does.Not.Contain("p4ssw0rd").And.Not.Contain("t0k3n"));
        Assert.That(File.Exists(journal) ? File.ReadAllText(journal) : string.Empty, Does.Not.Contain("p4ssw0rd").And.Not.Contain("t0k3n"));
    }

    [Test]
    public async Task PlainHttpToLoopback_IsFine()
    {
        var result = await CliRun.RunAsync(_settings, "import", _file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
    }

    [Test]
    public async Task EmptyOut_Exit1_NamingTheOption()
    {
        var result = await CliRun.RunAsync(_settings, "import", _file, "--out", "");

        AssertRefused(result, "--out is empty");
    }

    [Test]
    public async Task SandboxPortOutOfRange_Exit1_NamingTheOption()
    {
        var result = await CliRun.RunAsync(_settings, "sandbox", "--port", "99999");

        AssertRefused(result, "--port: '99999' is not a whole number from 0 to 65535");
    }

    [Test]
    public async Task SyncUndoOfARunIdThatIsNotANumber_Exit1_OneLine()
    {
        var result = await CliRun.RunAsync(_settings, "sync", "--undo", "abc");

        AssertRefused(result, "--undo: 'abc' is not a run id");
    }

    private void AssertRefused(CliResult result, params string[] expected)
    {
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        var line = result.ErrorLines.Single(l => l.StartsWith("bulkonboard: error:", StringComparison.Ordinal));
        foreach (var part in expected)
        {
            Assert.That(line, Does.Contain(part), result.ToString());
        }

        Assert.That(line, Does.Not.Contain("unexpected"));
        Assert.That(result.Error, Does.Not.Contain(" at "), "no stack trace");
        Assert.That(_sandbox.State.Requests, Is.Empty, "nothing sent");
    }
}
