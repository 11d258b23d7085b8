using System.Diagnostics;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>A real import process killed with SIGKILL midway, then the same command again.</summary>
public class CrashResumeTests
{
    private const int Rows = 1000;
    private const int Concurrency = 4;

    [Test]
    public async Task KilledMidway_SameCommandAgain_EveryPersonExistsOnce_AndEveryRowIsAccounted()
    {
        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Latency = TimeSpan.FromMilliseconds(15) });
        var csv = new StringBuilder("Email,First Name\n");
        for (var i = 0; i < Rows; i++)
        {
            csv.Append($"crash{i}@x.example,Crash {i}\n");
        }

        var file = workspace.Write("crash.csv", csv.ToString());
        var journal = Path.Combine(workspace.Folder, "journal.db");

        using (var first = StartCli(sandbox, journal, workspace.Folder, "import", file, "--kind", "guest", "--out", Path.Combine(workspace.Folder, "first")))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (sandbox.State.Requests.Count < Rows / 3 && DateTime.UtcNow < deadline && !first.HasExited)
            {
                await Task.Delay(20);
            }

            Assert.That(first.HasExited, Is.False, "the first run must still be going when it is killed");
            first.Kill(); // SIGKILL: no cleanup, no reports, the journal lock left behind
            await first.WaitForExitAsync();
        }

        var sentBeforeKill = sandbox.State.Requests.Count;
        using var second = StartCli(sandbox, journal, workspace.Folder, "import", file, "--kind", "guest", "--out", Path.Combine(workspace.Folder, "second"));
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        var output = await second.StandardError.ReadToEndAsync();

        Assert.That(second.ExitCode, Is.EqualTo(0), output);
        Assert.That(sandbox.State.Guests, Has.Count.EqualTo(Rows), "every person exists, exactly once");
        var posts = sandbox.State.Requests.Where(r => r.Method == "POST").GroupBy(r => r.Email!).ToDictionary(g => g.Key, g => g.Count());
        var repeated = posts.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        Assert.That(repeated, Has.Count.LessThanOrEqualTo(Concurrency), "only requests in flight at the kill are sent again");
        Assert.That(posts.Values.Max(), Is.LessThanOrEqualTo(2));

        var results = new Reports(Path.Combine(workspace.Folder, "second")).Results();
        Assert.That(results.Select(r => r.Row), Is.EqualTo(Enumerable.Range(2, Rows)), "the second report accounts for every row");
        Assert.That(results.Count(r => r.Outcome == "created") + results.Count(r => r.Reason == "already_done"), Is.EqualTo(Rows),
            "each row is created now, or known done by the killed run");
        Assert.That(results.Where(r => repeated.Contains(r.Email)).Select(r => r.Outcome), Is.All.EqualTo("created"),
            "a row the killed run had in flight is confirmed as created by it, not reported as someone else's");
        Assert.That(output, Does.Contain("Recovered the journal lock"));
        TestContext.Out.WriteLine($"killed after {sentBeforeKill} requests; {repeated.Count} rows sent twice");
    }

    [Test]
    public async Task WatchServiceKilledMidFile_ResumesThatFileOnRestart_WithoutDuplicateSends()
    {
        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Latency = TimeSpan.FromMilliseconds(15) });
        var inbox = Path.Combine(workspace.Folder, "inbox");
        Directory.CreateDirectory(inbox);
        var journal = Path.Combine(workspace.Folder, "journal.db");
        var csv = new StringBuilder("Email,First Name\n");
        for (var i = 0; i < 600; i++)
        {
            csv.Append($"watched{i}@x.example,W {i}\n");
        }

        using (var service = StartCli(sandbox, journal, workspace.Folder, "watch", "--inbox", inbox, "--kind", "guest"))
        {
            await File.WriteAllTextAsync(Path.Combine(inbox, "hires.csv"), csv.ToString());
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (sandbox.State.Requests.Count < 200 && DateTime.UtcNow < deadline && !service.HasExited)
            {
                await Task.Delay(20);
            }

            Assert.That(service.HasExited, Is.False, "the service must still be importing when it is killed");
            service.Kill();
            await service.WaitForExitAsync();
        }

        Assert.That(Directory.GetFiles(Path.Combine(inbox, "processing")).Select(Path.GetFileName), Is.EqualTo(new[] { "hires.csv" }));
        using var restart = StartCli(sandbox, journal, workspace.Folder, "watch", "--inbox", inbox, "--kind", "guest", "--once");
        await restart.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));

        Assert.That(restart.ExitCode, Is.EqualTo(0), await restart.StandardError.ReadToEndAsync());
        Assert.That(Directory.GetFiles(Path.Combine(inbox, "done")), Has.Length.EqualTo(1));
        Assert.That(sandbox.State.Guests, Has.Count.EqualTo(600));
        var repeated = sandbox.State.Requests.Where(r => r.Method == "POST").GroupBy(r => r.Email).Count(g => g.Count() > 1);
        Assert.That(repeated, Is.LessThanOrEqualTo(Concurrency), "only the requests in flight at the kill are sent again");
    }

    private static Process StartCli(SandboxServer sandbox, string journal, string workingDirectory, params string[] args) =>
        CliProcess.Start(sandbox, journal, workingDirectory, new Dictionary<string, string>
        {
            ["Delivery__RequestsPerMinute"] = "600000",
            ["Delivery__MaxConcurrency"] = Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Watch__SettleTime"] = "00:00:00.300",
            ["Watch__ScanInterval"] = "00:00:00.200",
        }, args);
}
