using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>The watched folder with real folders and the sandbox over loopback.</summary>
public class WatchTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _inbox = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _inbox = Path.Combine(_workspace.Folder, "inbox");
        Directory.CreateDirectory(_inbox);
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Watch:SettleTime"] = "00:00:00.300";
        _settings["Watch:ScanInterval"] = "00:00:00.200";
        _settings["Import:DefaultKind"] = "guest";
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task Once_EmptyInbox_ExitsZeroWithinTwoSeconds()
    {
        var stopwatch = Stopwatch.StartNew();

        var result = await CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public async Task Watch_TwoBadSettings_OneLineNamingBoth_Exit1()
    {
        _settings["Tallyfy:AccessToken"] = "";
        _settings["Delivery:MaxConcurrency"] = "0";

        var result = await CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Single(), Does.StartWith("bulkonboard: error:").And.Contain("Tallyfy:AccessToken").And.Contain("Delivery:MaxConcurrency").And.Not.Contain("unexpected"));
    }

    [Test]
    public async Task Once_GoodBadAndInvalidFiles_AreFiledWithReports_AndTheMostSevereExitCodeWins()
    {
        Drop("good.csv", People("good", 5));
        Drop("all-invalid.csv", "Email\nnot-an-email\nalso-not\n");
        File.WriteAllBytes(Path.Combine(_inbox, "photo.csv"), Junk());
        Drop("~$locked.xlsx", "temporary");
        Drop("upload.csv.part", "Email\nhalf@x.example\n");
        Drop(".hidden.csv", "Email\nhidden@x.example\n");

        var result = await CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");

        Assert.That(result.ExitCode, Is.EqualTo(1), "the unreadable photo.csv (1) is more severe than all-invalid.csv's 2, whatever the numbers: " + result);
        Assert.That(Names("done"), Has.Count.EqualTo(2).And.Some.StartsWith("good.").And.Some.StartsWith("all-invalid."));
        Assert.That(Names("failed"), Has.Exactly(1).StartsWith("photo."));
        Assert.That(Names("reports"), Has.Exactly(1).Match(@"^good\..*\.results\.csv$").And.Exactly(1).Match(@"^photo\..*\.error\.txt$"));
        Assert.That(File.ReadAllText(Directory.GetFiles(Path.Combine(_inbox, "reports"), "photo.*.error.txt").Single()), Does.Contain("not a text file"));
        Assert.That(Directory.GetFiles(_inbox).Select(Path.GetFileName), Is.EquivalentTo(new[] { "~$locked.xlsx", "upload.csv.part", ".hidden.csv", "status.json" }),
            "temporary, partial and hidden files are left alone");
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(5));
        using var status = JsonDocument.Parse(File.ReadAllText(Path.Combine(_inbox, "status.json")));
        Assert.That((status.RootElement.GetProperty("files_done").GetInt32(), status.RootElement.GetProperty("files_failed").GetInt32()), Is.EqualTo((2, 1)));
    }

    [Test]
    public async Task Once_FiftyFilesAtOnce_AreAllImported_FiftyReports()
    {
        for (var i = 0; i < 50; i++)
        {
            Drop($"batch{i:00}.csv", People($"b{i}x", 2));
        }

        var result = await CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Names("done"), Has.Count.EqualTo(50));
        Assert.That(Names("reports").Count(n => n.EndsWith(".results.csv", StringComparison.Ordinal)), Is.EqualTo(50));
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(100));
    }

    [Test]
    public async Task Once_FileLeftInProcessing_IsResumedFirst()
    {
        Directory.CreateDirectory(Path.Combine(_inbox, "processing"));
        File.WriteAllText(Path.Combine(_inbox, "processing", "interrupted.csv"), People("resumed", 3));

        var result = await CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Names("done"), Has.Exactly(1).StartsWith("interrupted."));
        Assert.That(Names("processing"), Is.Empty);
        Assert.That(result.Error, Does.Contain("Resuming interrupted.csv"));
    }

    [Test]
    public async Task Service_FileWrittenSlowlyInChunks_IsImportedOnceAndOnlyWhenComplete()
    {
        _settings["Watch:SettleTime"] = "00:00:01";
        using var stop = new CancellationTokenSource();
        var service = Task.Run(() => CliRun.RunAsync(_settings, ["watch", "--inbox", _inbox], stop.Token));

        var path = Path.Combine(_inbox, "slow.csv");
        await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            var header = Encoding.UTF8.GetBytes("Email,First Name\n");
            await stream.WriteAsync(header);
            for (var chunk = 0; chunk < 5; chunk++)
            {
                var rows = new StringBuilder();
                for (var i = 0; i < 20; i++)
                {
                    rows.Append($"slow{chunk * 20 + i}@x.example,S\n");
                }

                await stream.WriteAsync(Encoding.UTF8.GetBytes(rows.ToString()));
                await stream.FlushAsync();
                await Task.Delay(400);
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Names("done").Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        var result = await service;

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Names("done"), Has.Exactly(1).StartsWith("slow."));
        Assert.That(Names("reports").Count(n => n.EndsWith(".results.csv", StringComparison.Ordinal)), Is.EqualTo(1), "imported once");
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(100), "and only when complete: every row of the last chunk is there");
    }

    private void Drop(string name, string text) => File.WriteAllText(Path.Combine(_inbox, name), text);

    private List<string> Names(string folder)
    {
        var path = Path.Combine(_inbox, folder);
        return Directory.Exists(path) ? Directory.GetFiles(path).Select(f => Path.GetFileName(f)!).ToList() : [];
    }

    private static string People(string prefix, int count)
    {
        var csv = new StringBuilder("Email,First Name\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append($"{prefix}{i}@x.example,P\n");
        }

        return csv.ToString();
    }

    private static byte[] Junk()
    {
        var bytes = new byte[5000];
        new Random(5).NextBytes(bytes);
        return bytes;
    }
}
