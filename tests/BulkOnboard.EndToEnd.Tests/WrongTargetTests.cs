using System.Diagnostics;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// A run pointed at the wrong place (a port nobody listens on, an organization Tallyfy does not know, a path
/// outside its API) stops at its first request, in seconds: exit 3, one line naming the setting, no row
/// failed. An outage after a success is still waited out (ImportCommandTests, SandboxFaultTests: Outage).
/// </summary>
public class WrongTargetTests
{
    // Were the run to wait for the API as for an outage, it would stop after this, well past the 5 s allowed.
    private const string GiveUpAfter = "00:00:20";

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _logs = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Delivery:GiveUpAfter"] = GiveUpAfter;
        _logs = Path.Combine(_workspace.Folder, "logs");
        _settings["Serilog:WriteTo:0:Name"] = "File";
        _settings["Serilog:WriteTo:0:Args:path"] = Path.Combine(_logs, "bulkonboard-.log");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [TestCase("port", "Tallyfy:BaseUrl", "--preflight")]
    [TestCase("port", "Tallyfy:BaseUrl", "--no-preflight")]
    [TestCase("organization", "Tallyfy:OrganizationId", "--preflight")]
    [TestCase("organization", "Tallyfy:OrganizationId", "--no-preflight")]
    [TestCase("prefix", "Tallyfy:BaseUrl", "--preflight")]
    [TestCase("prefix", "Tallyfy:BaseUrl", "--no-preflight")]
    public async Task Import_AWrongTarget_StopsInSeconds_Exit3_OneLineNamingTheSetting_EveryRowNotAttempted(string wrong, string setting, string preflight)
    {
        PointAtTheWrong(wrong);
        var file = _workspace.Write("people.csv", People(40));

        var clock = Stopwatch.StartNew();
        var result = await CliRun.RunAsync(_settings, "import", file, preflight, "--out", _workspace.ReportFolder);

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), result.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        var lines = _workspace.Reports.Results();
        Assert.That(lines, Has.Count.EqualTo(40));
        Assert.That(lines.Select(l => l.Outcome), Is.All.EqualTo("not_attempted"), "no row failed");
        Assert.That(Naming(result.Out, setting), Has.Count.EqualTo(1).And.All.Contain("Stopped early"), result.ToString());
        Assert.That(Naming(result.Error, setting), Has.Count.EqualTo(1).And.All.Contain("ERR Stopped early"), "stderr gets the reason too, once");
        var log = string.Concat(Directory.GetFiles(_logs).Select(File.ReadAllText));
        Assert.That(Naming(log, setting), Has.Count.EqualTo(1).And.All.Contain("[ERR]").And.All.Contain("Stopped early"), "a cron user reads the log");
        Assert.That(_workspace.Reports.Summary.Failed, Is.Zero);
        Assert.That(_sandbox.State.Guests, Is.Empty);
    }

    [TestCase("port", "Tallyfy:BaseUrl")]
    [TestCase("organization", "Tallyfy:OrganizationId")]
    public async Task Sync_AWrongTarget_StopsInSeconds_NothingChanged_OneLineNamingTheSetting(string wrong, string setting)
    {
        PointAtTheWrong(wrong);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        var file = _workspace.Write("roster.csv", People(10));

        var clock = Stopwatch.StartNew();
        var result = await CliRun.RunAsync(_settings, "sync", file, "--plan", "--out", _workspace.ReportFolder);

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), result.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(1), "nothing was sent: the plan could not be made");
        Assert.That(Naming(result.Out + result.Error, setting), Has.Count.EqualTo(1), result.ToString());
        Assert.That(_sandbox.State.Requests.Where(r => r.Method != "GET"), Is.Empty);
    }

    private static List<string> Naming(string text, string setting) =>
        text.Split('\n').Where(l => l.Contains(setting, StringComparison.Ordinal)).ToList();

    private void PointAtTheWrong(string wrong)
    {
        switch (wrong)
        {
            case "port":
                _settings["Tallyfy:BaseUrl"] = $"http://127.0.0.1:{ClosedPort()}/api";
                break;
            case "organization":
                _settings["Tallyfy:OrganizationId"] = "not-my-org";
                break;
            default:
                // Outside /api: not Tallyfy's API at all, so not its ENDPOINT_NOT_FOUND either (RefusalTests has that one).
                _settings["Tallyfy:BaseUrl"] = new Uri(_sandbox.BaseUrl, "/tallyfy/").ToString();
                break;
        }
    }

    private static string People(int count)
    {
        var csv = new StringBuilder("Email,First Name,Last Name,Type\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append($"p{i}@x.example,P,{i},{(i % 2 == 0 ? "guest" : "member")}\n");
        }

        return csv.ToString();
    }

    /// <summary>A loopback port nobody listens on: taken from the system, then let go.</summary>
    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
