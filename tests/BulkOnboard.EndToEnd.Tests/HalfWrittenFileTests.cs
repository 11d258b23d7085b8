using System.Diagnostics;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// The watched folder takes a file only when no process holds it open for writing, and runs again a file
/// that changed while it was processed: a writer pausing past the settle time with the file open once
/// had half its rows imported and the whole file filed in done/. The CLI runs on the real clock, so the
/// settle time is a fraction of a second.
/// </summary>
public class HalfWrittenFileTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _inbox = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _inbox = Path.Combine(_workspace.Folder, "inbox");
        Directory.CreateDirectory(_inbox);
        _settings = new Dictionary<string, string?>
        {
            ["Watch:SettleTime"] = "00:00:00.300",
            ["Watch:ScanInterval"] = "00:00:00.200",
            ["Import:DefaultKind"] = "guest",
            ["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db"),
        };
        await StartSandboxAsync(new SandboxOptions());
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task AFileHeldOpenForWriting_IsNotTaken_WhileTheWriterPauses_ThenAllOfItIs()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("the writer is cat");
        }

        // cat holds the file open for writing and takes no lock, as most writers do: an exclusive open does not see it.
        var path = Path.Combine(_inbox, "people.csv");
        using var writer = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exec cat > \"$0\"", path]) { RedirectStandardInput = true, UseShellExecute = false })!;
        try
        {
            await writer.StandardInput.WriteAsync("Email\n" + Rows(0, 50));
            await writer.StandardInput.FlushAsync();
            while (new FileInfo(path) is not { Exists: true, Length: > 0 })
            {
                await Task.Delay(20);
            }

            var watch = CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");
            // The writer pauses for six settle times with the file open.
            await Task.Delay(TimeSpan.FromSeconds(2));

            Assert.That(watch.IsCompleted, Is.False, watch.IsCompleted ? watch.Result.ToString() : string.Empty);
            Assert.That(File.Exists(path), Is.True, "still in the inbox");
            Assert.That(_sandbox.State.Requests, Is.Empty, "nothing sent while the file is being written");

            await writer.StandardInput.WriteAsync(Rows(50, 51));
            writer.StandardInput.Close();
            await writer.WaitForExitAsync();
            var result = await watch.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(101), "every row, not the first half");
        }
        finally
        {
            if (!writer.HasExited)
            {
                writer.Kill();
            }
        }
    }

    [Test]
    public async Task AFileThatChangedWhileItWasProcessed_IsProcessedAgain_NoRowSentTwice()
    {
        await _sandbox.DisposeAsync();
        await StartSandboxAsync(new SandboxOptions { Latency = TimeSpan.FromMilliseconds(150) });
        _settings["Delivery:MaxConcurrency"] = "1";
        File.WriteAllText(Path.Combine(_inbox, "people.csv"), "Email\n" + Rows(0, 10));
        var processing = Path.Combine(_inbox, "processing", "people.csv");

        var watch = CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");
        while (_sandbox.State.Guests.Count == 0 && !watch.IsCompleted)
        {
            await Task.Delay(20);
        }

        // A writer that goes on after the file was taken and read (it had closed it for a moment).
        File.AppendAllText(processing, Rows(10, 5));
        var result = await watch.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Error, Does.Contain("changed while it was processed"));
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(15));
        Assert.That(_sandbox.State.Requests.Count(r => r.Method == "POST"), Is.EqualTo(15), "no row sent twice");
    }

    private async Task StartSandboxAsync(SandboxOptions options)
    {
        _sandbox = await SandboxServer.StartAsync(options);
        foreach (var (key, value) in CliRun.SettingsFor(_sandbox))
        {
            _settings.TryAdd(key, value);
            if (key.StartsWith("Tallyfy:", StringComparison.Ordinal))
            {
                _settings[key] = value;
            }
        }
    }

    private static string Rows(int from, int count) =>
        string.Concat(Enumerable.Range(from, count).Select(i => $"p{i}@x.example\n"));
}
