using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests.Sources;

/// <summary>The watch service polls named sources that have <c>Every</c>, beside the inbox; unchanged fetches are skipped.</summary>
public class WatchSourceTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private HttpsSourceServer _server = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _inbox = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _server = await HttpsSourceServer.StartAsync(_workspace.Folder);
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Sources:CaCertificate"] = _server.CaFile;
        _settings["Sources:hr:Url"] = _server.Url("/roster.csv");
        _settings["Sources:hr:Every"] = "00:00:01";
        _settings["Watch:Mode"] = "sync";
        _settings["Watch:SettleTime"] = "00:00:00";
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        _inbox = Path.Combine(_workspace.Folder, "inbox");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task WatchOnce_SyncsANamedSource_ThenSkipsItWhileUnchanged()
    {
        _server.Csv("/roster.csv", HttpsSourceTests.Roster(6));

        var first = await CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");
        var requests = _sandbox.State.Requests.Count;
        var second = await CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");

        Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((0, 0)), first + "\n" + second);
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(6));
        Assert.That(_sandbox.State.Requests, Has.Count.EqualTo(requests), "an unchanged source sends nothing");
        Assert.That(second.Error, Does.Contain("unchanged since run"));
    }

    [Test]
    public async Task WatchOnce_ARefusedSource_IsFiledAsFailed_WithANotification_Exit6()
    {
        using var hook = new WebhookReceiver();
        _settings["Notify:Webhook:Url"] = hook.Url;
        _server.Csv("/roster.csv", "Email,First Name,Last Name,Type\n");

        var result = await CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");

        Assert.That(result.ExitCode, Is.EqualTo(6), result.ToString());
        Assert.That(_sandbox.State.Requests, Is.Empty);
        Assert.That(Directory.GetFiles(Path.Combine(_inbox, "reports"), "hr.*.error.txt"), Has.Length.EqualTo(1));
        var message = JsonDocument.Parse(hook.Bodies.Single()).RootElement;
        Assert.That((message.GetProperty("file").GetString(), message.GetProperty("exit_code").GetInt32()), Is.EqualTo(("hr", 6)));
    }

    [Test]
    public async Task TheService_PollsTheSourceOnItsSchedule_AndRunsItAgainOnlyWhenItChanged()
    {
        _settings["Watch:Mode"] = "import";
        _server.Csv("/roster.csv", HttpsSourceTests.Roster(3));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var service = CliRun.RunAsync(_settings, ["watch", "--inbox", _inbox], stop.Token);

        await Until(() => _sandbox.State.Guests.Count == 3, stop.Token);
        var fetchesBefore = _server.Authorizations.Count;
        await Until(() => _server.Authorizations.Count >= fetchesBefore + 2, stop.Token);
        var requestsWhileUnchanged = _sandbox.State.Requests.Count;
        _server.Csv("/roster.csv", HttpsSourceTests.Roster(5));
        await Until(() => _sandbox.State.Guests.Count == 5, stop.Token);
        await stop.CancelAsync();
        var result = await service;

        Assert.That(result.Error, Does.Contain("unchanged since run 1"), result.ToString());
        Assert.That(requestsWhileUnchanged, Is.LessThan(_sandbox.State.Requests.Count));
    }

    private static async Task Until(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(50, cancellationToken);
        }
    }
}
