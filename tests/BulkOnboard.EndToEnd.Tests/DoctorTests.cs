using System.Diagnostics;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary><c>bulkonboard doctor</c> names each wrong target in seconds, one line each, with the setting to fix.</summary>
public class DoctorTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    /// <summary>doctor's help lists what doctor uses; an import's options are accepted (a script may pass them) but not shown.</summary>
    [Test]
    public async Task Help_ListsOnlyTheOptionsDoctorUses()
    {
        var help = await CliRun.RunAsync(null, "doctor", "--help");

        Assert.That(help.ExitCode, Is.EqualTo(0), help.ToString());
        var options = System.Text.RegularExpressions.Regex.Matches(help.Out, @"(?m)^\s+(?:-\w, )?(--[a-z-]+)").Select(m => m.Groups[1].Value).ToList();
        Assert.That(options, Is.SupersetOf(new[] { "--sandbox", "--token-file", "--config", "--out" }), help.Out);
        Assert.That(options, Has.None.AnyOf("--kind", "--sheet", "--mapping", "--rate-limit", "--concurrency", "--force", "--on-existing", "--preflight", "--no-preflight"), help.Out);
    }

    [Test]
    public async Task AllRight_Exit0_EveryCheckOk_AndNothingWrittenToTallyfy()
    {
        var result = await Doctor();

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Contain("the token is accepted").And.Contain("is an admin").And.Contain("can be written"));
        Assert.That(_sandbox.State.Requests.Select(r => r.Method), Is.All.EqualTo("GET"));
    }

    [Test]
    public async Task WithTheSandbox_AndJson_StandardOutputIsTheJsonAlone()
    {
        var result = await CliRun.RunAsync(new Dictionary<string, string?> { ["Journal:Path"] = _settings["Journal:Path"] }, "doctor", "--sandbox", "-o", "json", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var checks = System.Text.Json.JsonDocument.Parse(result.Out).RootElement.EnumerateArray().ToList();
        Assert.That(checks.Select(c => c.GetProperty("status").GetString()), Is.All.EqualTo("ok"));
        Assert.That(result.Error, Does.Contain("built-in sandbox"), "the note is still said, beside the JSON");
    }

    [TestCase("port", "Tallyfy:BaseUrl", "connection refused")]
    [TestCase("prefix", "Tallyfy:BaseUrl", "not as Tallyfy's API")]
    [TestCase("organization", "Tallyfy:OrganizationId", "is not one this token may use")]
    [TestCase("token", "Tallyfy:AccessToken", "the token was refused")]
    public async Task AWrongTarget_IsNamedInSeconds_Exit1(string wrong, string setting, string says)
    {
        switch (wrong)
        {
            case "port":
                _settings["Tallyfy:BaseUrl"] = $"http://127.0.0.1:{FreePort()}/api";
                break;
            case "prefix":
                _settings["Tallyfy:BaseUrl"] = new Uri(_sandbox.BaseUrl, "/api/v2/").ToString();
                break;
            case "organization":
                _settings["Tallyfy:OrganizationId"] = "not-my-org";
                break;
            default:
                _settings["Tallyfy:AccessToken"] = "wrong-token";
                break;
        }

        var clock = Stopwatch.StartNew();
        var result = await Doctor("-o", "json");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(result.Out, Does.Contain("\"status\": \"failed\"").And.Contain($"\"setting\": \"{setting}\"").And.Contain(says), result.ToString());
    }

    private Task<CliResult> Doctor(params string[] args) => CliRun.RunAsync(_settings, ["doctor", "--out", _workspace.ReportFolder, .. args]);

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
