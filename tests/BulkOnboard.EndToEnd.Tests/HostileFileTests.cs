using System.Diagnostics;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Files that never end, that are not files, or that are tiny and cost a machine: exit 1 fast, nothing sent.</summary>
public class HostileFileTests
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
        _settings["Import:DefaultKind"] = "guest";
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task SparseWorkbook_WithOneCellAtXFD1048576_Exit1_Within10s_Under500MB()
    {
        var file = HostileFiles.SparseWorkbook(Path.Combine(_workspace.Folder, "sparse.xlsx"));
        Assert.That(new FileInfo(file).Length, Is.LessThan(2_000));

        var (result, elapsed, grownMb) = await Measure(() => CliRun.RunAsync(_settings, "import", file, "--out", _workspace.ReportFolder));

        AssertRefused(result, "cells");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(grownMb, Is.LessThan(500));
    }

    [Test]
    public async Task MappingWithAnAliasBomb_Exit1_Within10s_Under500MB()
    {
        var mapping = HostileFiles.AliasBomb(Path.Combine(_workspace.Folder, "bomb.yaml"));
        var file = _workspace.Write("people.csv", "Email\nann@example.com\n");

        var (result, elapsed, grownMb) = await Measure(() => CliRun.RunAsync(_settings, "import", file, "--mapping", mapping, "--out", _workspace.ReportFolder));

        AssertRefused(result, "alias");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(grownMb, Is.LessThan(500));
    }

    [Test]
    public async Task ImportDevZero_Exit1_Within5s()
    {
        var (result, elapsed, _) = await Measure(() => CliRun.RunAsync(_settings, "import", "/dev/zero", "--out", _workspace.ReportFolder));

        AssertRefused(result, "is a character device, not a regular file");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task ImportAFifo_Exit1_Within5s()
    {
        var fifo = MakeFifo(Path.Combine(_workspace.Folder, "people.csv"));

        var (result, elapsed, _) = await Measure(() => CliRun.RunAsync(_settings, "import", fifo, "--out", _workspace.ReportFolder));

        AssertRefused(result, "is a named pipe (FIFO), not a regular file");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task ImportAFolder_Exit1()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_workspace.Folder, "people.csv")).FullName;

        var result = await CliRun.RunAsync(_settings, "import", folder, "--out", _workspace.ReportFolder);

        AssertRefused(result, "is a folder");
    }

    [TestCase("--config", "--config: /dev/zero: is a character device")]
    [TestCase("--mapping", "mapping file /dev/zero: is a character device")]
    [TestCase("--token-file", "--token-file: /dev/zero: is a character device")]
    public async Task DevZeroAsASettingsFile_Exit1_Within5s(string option, string expected)
    {
        var file = _workspace.Write("people.csv", "Email\nann@example.com\n");

        var (result, elapsed, _) = await Measure(() => CliRun.RunAsync(_settings, "import", file, option, "/dev/zero", "--out", _workspace.ReportFolder));

        AssertRefused(result, expected);
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task HugeMappingFile_Exit1()
    {
        var mapping = _workspace.Write("mapping.json", "{ \"defaults\": { \"company_name\": \"" + new string('x', 2 * 1024 * 1024) + "\" } }");
        var file = _workspace.Write("people.csv", "Email\nann@example.com\n");

        var result = await CliRun.RunAsync(_settings, "import", file, "--mapping", mapping, "--out", _workspace.ReportFolder);

        AssertRefused(result, "larger than 1,024 KB");
    }

    [Test]
    public async Task WatchOnce_AFifoInTheInbox_DoesNotStopTheOtherFile()
    {
        var inbox = Path.Combine(_workspace.Folder, "inbox");
        Directory.CreateDirectory(inbox);
        MakeFifo(Path.Combine(inbox, "a-pipe.csv"));
        File.WriteAllText(Path.Combine(inbox, "people.csv"), "Email\nann@example.com\n");
        _settings["Watch:SettleTime"] = "00:00:00";

        var (result, elapsed, _) = await Measure(() => CliRun.RunAsync(_settings, "watch", "--inbox", inbox, "--once"));

        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), result.ToString());
        Assert.That(_sandbox.State.Guests.Keys, Is.EquivalentTo(new[] { "ann@example.com" }), result.ToString());
        Assert.That(Directory.GetFiles(Path.Combine(inbox, "done")).Select(Path.GetFileName), Has.Exactly(1).StartsWith("people."));
        Assert.That(Directory.GetFiles(Path.Combine(inbox, "failed")).Select(Path.GetFileName), Has.Exactly(1).StartsWith("a-pipe."));
        Assert.That(result.ExitCode, Is.EqualTo(1), "the worst file's exit code");
    }

    [Test]
    public async Task SyncApplyDevZero_Exit1_Within5s_WithoutGrowing()
    {
        var (result, elapsed, grownMb) = await Measure(() => CliRun.RunAsync(_settings, "sync", "--apply", "/dev/zero"));

        AssertRefused(result, "is a character device, not a regular file");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(grownMb, Is.LessThan(200), "the plan is never read into memory (it grew to 4.3 GB and died)");
    }

    [Test]
    public async Task SyncApplyAFifo_Exit1_Within5s()
    {
        var fifo = MakeFifo(Path.Combine(_workspace.Folder, "plan.json"));

        var (result, elapsed, _) = await Measure(() => CliRun.RunAsync(_settings, "sync", "--apply", fifo));

        AssertRefused(result, "is a named pipe (FIFO), not a regular file");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task SyncApplyAPlanPastTheSizeLimit_Exit1_WithoutReadingIt()
    {
        var plan = Path.Combine(_workspace.Folder, "plan.json");
        using (var file = File.Create(plan))
        {
            // Sparse: 300 MB long, no disk used.
            file.SetLength(300L * 1024 * 1024);
        }

        var (result, elapsed, _) = await Measure(() => CliRun.RunAsync(_settings, "sync", "--apply", plan));

        AssertRefused(result, "larger than 256 MB");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    private static string MakeFifo(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("FIFOs are a Unix thing");
        }

        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.Zero);
        return path;
    }

    private static async Task<(CliResult Result, TimeSpan Elapsed, long GrownMb)> Measure(Func<Task<CliResult>> run)
    {
        using var process = Process.GetCurrentProcess();
        var before = process.PeakWorkingSet64;
        var stopwatch = Stopwatch.StartNew();
        var result = await run();
        stopwatch.Stop();
        process.Refresh();
        return (result, stopwatch.Elapsed, (process.PeakWorkingSet64 - before) / (1024 * 1024));
    }

    private void AssertRefused(CliResult result, string expected)
    {
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Where(l => l.StartsWith("bulkonboard: error:", StringComparison.Ordinal)).Single(), Does.Contain(expected), result.ToString());
        Assert.That(result.Error, Does.Not.Contain(" at "), "no stack trace");
        Assert.That(_sandbox.State.Requests, Is.Empty, "nothing sent");
    }
}
