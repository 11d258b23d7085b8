using System.Text;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Chaos against the running watch service: in each, the service goes on (the file filed with why, or
/// retried) or exits non-zero; no file is lost; no row is sent twice; a notification says what happened.
/// </summary>
public class ChaosTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private WebhookReceiver _hook = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _inbox = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _hook = new WebhookReceiver();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _inbox = Path.Combine(_workspace.Folder, "inbox");
        Directory.CreateDirectory(_inbox);
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        _settings["Watch:SettleTime"] = "00:00:00.200";
        _settings["Watch:ScanInterval"] = "00:00:00.200";
        _settings["Import:DefaultKind"] = "guest";
        _settings["Notify:Webhook:Url"] = _hook.Url;
        _settings["Notify:RetryDelay"] = "00:00:00.010";
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _hook.Dispose();
        _workspace.Dispose();
    }

    [Test]
    public async Task TheJournalMadeUnusableUnderARunningWatch_TheFileWaitsInProcessing_AndGoesThroughOnceTheJournalIsBack()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var service = Task.Run(() => CliRun.RunAsync(_settings, ["watch", "--inbox", _inbox], stop.Token));
        Drop("first.csv", People("first", 5));
        await WaitForAsync(() => Names("done").Count == 1, service);

        // The journal replaced by something that is not a journal (a restore gone wrong, a full disk's debris).
        var journal = _settings["Journal:Path"]!;
        foreach (var file in Directory.GetFiles(_workspace.Folder, "journal.db*"))
        {
            File.Delete(file);
        }

        File.WriteAllBytes(journal, Encoding.ASCII.GetBytes(new string('x', 8192)));
        Drop("second.csv", People("second", 5));
        await WaitForAsync(() => Events().Contains("file_waits"), service);
        Assert.That(Names("processing"), Is.EqualTo(new[] { "second.csv" }), "the file waits in processing/, not failed/");
        Assert.That(Names("failed"), Is.Empty);
        Assert.That(Problem("file_waits"), Does.Contain("journal").And.Contain("tried again"));

        File.Delete(journal);
        await WaitForAsync(() => Names("done").Count == 2, service);
        await stop.CancelAsync();
        var result = await service;

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Names("processing"), Is.Empty);
        AssertEachSentOnce(Emails("first", 5).Concat(Emails("second", 5)));
    }

    [Test]
    public async Task DoneReplacedByAFile_TheImportedFileIsFiledUnderFailedWithWhy_AndTheServiceGoesOn()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var service = Task.Run(() => CliRun.RunAsync(_settings, ["watch", "--inbox", _inbox], stop.Token));
        var done = Path.Combine(_inbox, "done");
        await WaitForAsync(() => Directory.Exists(done), service);
        Directory.Delete(done);
        File.WriteAllText(done, "not a folder");

        Drop("first.csv", People("first", 5));
        await WaitForAsync(() => Names("failed").Count == 1 && Events().Contains("file_failed"), service);
        var why = File.ReadAllText(Directory.GetFiles(Path.Combine(_inbox, "reports"), "first.*.error.txt").Single());
        Assert.That(why, Does.Contain("could not be moved to").And.Contain("done"));
        Assert.That(Problem("file_failed"), Does.Contain("could not be moved to"));

        // The service goes on: with done/ back, the next file is filed as usual.
        File.Delete(done);
        Drop("second.csv", People("second", 5));
        await WaitForAsync(() => Names("done").Count == 1, service);
        await stop.CancelAsync();
        var result = await service;

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Names("failed").Single(), Does.StartWith("first."), "no file lost");
        Assert.That(Names("done").Single(), Does.StartWith("second."));
        AssertEachSentOnce(Emails("first", 5).Concat(Emails("second", 5)));
    }

    [Test]
    public async Task SyncMode_AListingPageAnswering503Twice_IsRetried_AndTheRosterIsApplied()
    {
        _settings["Watch:Mode"] = "sync";
        _sandbox.State.FailNextListings(2);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var service = Task.Run(() => CliRun.RunAsync(_settings, ["watch", "--inbox", _inbox], stop.Token));
        Drop("roster.csv", People("roster", 5));
        await WaitForAsync(() => Names("done").Count == 1 || Names("failed").Count == 1, service);
        await stop.CancelAsync();
        var result = await service;

        Assert.That(Names("done"), Has.Count.EqualTo(1), result.ToString());
        Assert.That(_sandbox.State.Requests.Count(r => r.Method == "GET" && r.Status == 503), Is.EqualTo(2), "both 503s were met, and retried");
        AssertEachSentOnce(Emails("roster", 5));
    }

    [Test]
    public async Task SyncMode_ListingsDownLonger_TheRosterWaitsInProcessing_AndIsAppliedWhenTheApiIsBack()
    {
        _settings["Watch:Mode"] = "sync";
        _settings["Delivery:MaxAttempts"] = "2";
        _sandbox.State.FailNextListings(1_000_000);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var service = Task.Run(() => CliRun.RunAsync(_settings, ["watch", "--inbox", _inbox], stop.Token));
        Drop("roster.csv", People("roster", 5));
        await WaitForAsync(() => Events().Contains("file_waits"), service);
        Assert.That(Names("processing"), Is.EqualTo(new[] { "roster.csv" }), "a roster the API could not list is kept, not failed");
        Assert.That(Names("failed"), Is.Empty);
        Assert.That(Problem("file_waits"), Does.Contain("listing").And.Contain("503"));

        _sandbox.State.FailNextListings(0);
        await WaitForAsync(() => Names("done").Count == 1, service);
        await stop.CancelAsync();
        var result = await service;

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        AssertEachSentOnce(Emails("roster", 5));
    }

    [Test]
    public async Task TheInboxIsNotAFolder_TheServiceExitsNonZero_AfterANotification()
    {
        var inbox = Path.Combine(_workspace.Folder, "not-a-folder");
        File.WriteAllText(inbox, "x");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await CliRun.RunAsync(_settings, ["watch", "--inbox", inbox], stop.Token);

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(stop.IsCancellationRequested, Is.False, "it ended by itself");
    }

    /// <summary>SIGTERM (the token CliRun takes) in the middle of a 1,000-row file with a slow API.</summary>
    [Test]
    public async Task SigtermInTheMiddleOfAThousandRows_WithASlowApi_TheFileStaysInProcessing_AndTheNextStartSendsOnlyTheRest()
    {
        await _sandbox.DisposeAsync();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Latency = TimeSpan.FromMilliseconds(15) });
        _settings["Tallyfy:BaseUrl"] = _sandbox.BaseUrl.ToString();
        Drop("big.csv", People("big", 1000));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var service = Task.Run(() => CliRun.RunAsync(_settings, ["watch", "--inbox", _inbox], stop.Token));
        await WaitForAsync(() => _sandbox.State.Guests.Count >= 100, service);
        await stop.CancelAsync();
        var first = await service;
        var sentBefore = _sandbox.State.Guests.Count;

        Assert.That(first.ExitCode, Is.EqualTo(0), "a requested stop is not a fault: " + first);
        Assert.That(sentBefore, Is.InRange(100, 999), "stopped midway");
        Assert.That(Names("processing"), Is.EqualTo(new[] { "big.csv" }), "no file lost: it waits in processing/");

        using var again = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var second = Task.Run(() => CliRun.RunAsync(_settings, ["watch", "--inbox", _inbox], again.Token));
        await WaitForAsync(() => Names("done").Count == 1, second);
        await again.CancelAsync();
        Assert.That((await second).ExitCode, Is.EqualTo(0));

        AssertEachSentOnce(Emails("big", 1000));
    }

    private void AssertEachSentOnce(IEnumerable<string> emails)
    {
        var list = emails.ToList();
        Assert.That(_sandbox.State.Guests.Keys, Is.EquivalentTo(list), "everyone is in Tallyfy");
        Assert.That(list.Where(e => _sandbox.State.WritesFor(e) != 1), Is.Empty, "no row sent twice");
    }

    private List<string> Events() =>
        [.. _hook.Bodies.Select(b => JsonDocument.Parse(b).RootElement).Where(e => e.TryGetProperty("event", out _)).Select(e => e.GetProperty("event").GetString()!)];

    private string Problem(string eventName) =>
        _hook.Bodies.Select(b => JsonDocument.Parse(b).RootElement).First(e => e.TryGetProperty("event", out var ev) && ev.GetString() == eventName).GetProperty("problem").GetString()!;

    private void Drop(string name, string text) => File.WriteAllText(Path.Combine(_inbox, name), text);

    private List<string> Names(string folder)
    {
        var path = Path.Combine(_inbox, folder);
        return Directory.Exists(path) ? [.. Directory.GetFiles(path).Select(f => Path.GetFileName(f)!)] : [];
    }

    private static IEnumerable<string> Emails(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}{i}@x.example");

    private static string People(string prefix, int count) =>
        "Email,First Name,Type\n" + string.Concat(Emails(prefix, count).Select(e => $"{e},P,guest\n"));

    private static async Task WaitForAsync(Func<bool> condition, Task<CliResult> service)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (service.IsCompleted)
            {
                Assert.Fail("the service ended: " + await service);
            }

            if (DateTime.UtcNow > until)
            {
                Assert.Fail("timed out waiting");
            }

            await Task.Delay(50);
        }
    }
}
