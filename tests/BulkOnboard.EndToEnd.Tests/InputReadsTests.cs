using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Input;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// How many times a command reads its file (counted by <see cref="InputReads"/>, which every input file is
/// opened through), and that Ctrl+C ends the first of those reads, the one that counts the rows for the progress bar.
/// </summary>
public class InputReadsTests
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

    /// <summary>Fingerprint, quoting, row count and the date columns' formats in one pass; the rows in the second.</summary>
    [Test]
    public async Task Validate_QuotedFileWithDates_ReadsItTwice()
    {
        var file = _workspace.Write("people.csv", People(2_000, dates: true));
        using var reads = InputReads.Start();

        var result = await CliRun.RunAsync(_settings, "validate", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_workspace.Reports.Summary.Valid, Is.EqualTo(2_000));
        Assert.That(reads.TimesRead(new FileInfo(file).Length), Is.EqualTo(2.0));
    }

    /// <summary>An import counts its rows for the time left in the same first pass: no read of its own.</summary>
    [Test]
    public async Task Import_ReadsItsFileTwice()
    {
        var file = _workspace.Write("people.csv", People(200, dates: false));
        using var reads = InputReads.Start();

        var result = await CliRun.RunAsync(_settings, "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(200));
        Assert.That(reads.TimesRead(new FileInfo(file).Length), Is.EqualTo(2.0));
    }

    /// <summary>A source's gates count its rows in the first pass of opening it; the run then reads it twice.</summary>
    [Test]
    public async Task Validate_FromStandardInput_ReadsTheFetchedCopyThreeTimes()
    {
        var bytes = Encoding.UTF8.GetBytes(People(20_000, dates: true));
        using var reads = InputReads.Start();

        var result = await CliRun.RunWithInputAsync(_settings, bytes, "validate", "-", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_workspace.Reports.Summary.Valid, Is.EqualTo(20_000));
        Assert.That(reads.TimesRead(bytes.Length), Is.InRange(3.0, 3.1), "the gates' open reads the head of its second pass too");
    }

    /// <summary>Ctrl+C while the rows are counted: the count ends at its next read of the file, exit 1, nothing sent.</summary>
    [Test]
    public async Task Import_StoppedWhileTheRowsAreCounted_EndsAtTheNextRead_Exit1_NothingSent()
    {
        var file = _workspace.Write("people.csv", People(20_000, dates: false));
        using var stop = new CancellationTokenSource();
        long stoppedAt = 0;
        using var reads = InputReads.Start(bytes =>
        {
            if (bytes > 256 * 1024 && Interlocked.CompareExchange(ref stoppedAt, bytes, 0) == 0)
            {
                stop.Cancel();
            }
        });

        var result = await CliRun.RunAsync(_settings, ["import", file, "--out", _workspace.ReportFolder], stop.Token);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Single(), Does.Contain("reading was stopped (Ctrl+C or SIGTERM) before anything was sent"));
        Assert.That(reads.Bytes, Is.EqualTo(stoppedAt), "not a byte read after Ctrl+C");
        Assert.That(_sandbox.State.Requests, Is.Empty);
    }

    private static string People(int rows, bool dates)
    {
        var csv = new StringBuilder(dates ? "Email,First Name,Company,Start Date\n" : "Email,First Name,Company\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append($"p{i}@x.example,P{i},{(i % 3 == 0 ? "\"Fabrikam, Inc.\"" : "Contoso")}");
            csv.Append(dates ? $",{(i % 2 == 0 ? "2020-01-15" : "31/01/2020")}\n" : "\n");
        }

        return csv.ToString();
    }
}
