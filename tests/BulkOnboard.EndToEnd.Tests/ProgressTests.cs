using System.Text;
using System.Text.RegularExpressions;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Piped output (a scheduled task, a log file): the progress line every 10 s counts the rows as they settle,
/// whatever their place in the file, and says how long the run has left.
/// </summary>
public class ProgressTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task PipedProgressLines_CarryTheTimeLeft_FromThePace_BeforeTheApiHasTaughtAnyLimit()
    {
        // No rate-limit headers, no 429: only the configured pace is known. 36 rows to send at 150 a minute
        // take at least 14 s, so at least one progress line is written while rows remain.
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { SendRateLimitHeaders = false });
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Role\n");
        for (var i = 0; i < 36; i++)
        {
            csv.Append(i % 3 == 0 ? $"guest{i}@partner.example,Gue,St,guest,\n" : $"member{i}@contoso.example,Mem,Ber,member,standard\n");
        }

        csv.Append("not-an-email,In,Valid,member,standard\n");

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox, requestsPerMinute: 150), "import", _workspace.Write("people.csv", csv.ToString()), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var lines = ProgressLines(result);
        Assert.That(lines.Where(l => l.Rows < 37), Is.Not.Empty, result.ToString());
        foreach (var (line, _) in lines.Where(l => l.Rows < 37))
        {
            Assert.That(line, Does.Match(TimeLeft), "every line of a run with rows still to settle says the time left\n" + result);
        }
    }

    [Test]
    public async Task PipedProgressLines_CountRowsAsTheySettle_AndEachCarriesTheTimeLeft()
    {
        // Two guests per 20 s: the file's first four rows are guests, so the third and fourth wait about 20 s
        // for the cap while the twenty members behind them settle in two or three seconds.
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { GuestCap = "2/20s", SendRateLimitHeaders = false });
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Role\n");
        for (var i = 0; i < 4; i++)
        {
            csv.Append($"guest{i}@partner.example,Gue,St,guest,\n");
        }

        for (var i = 0; i < 20; i++)
        {
            csv.Append($"member{i}@contoso.example,Mem,Ber,member,standard\n");
        }

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox, requestsPerMinute: 600), "import", _workspace.Write("people.csv", csv.ToString()), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var lines = ProgressLines(result);
        Assert.That(lines, Is.Not.Empty, result.ToString());
        Assert.That(lines, Has.Some.Matches<(string Line, int Rows)>(l => l.Line.Contains("(2 created, 20 invited", StringComparison.Ordinal)),
            "the members count as they settle, while guests above them in the file wait for the cap\n" + result);
        foreach (var (line, _) in lines.Where(l => l.Rows < 24))
        {
            Assert.That(line, Does.Match(TimeLeft), "every line of a run with rows still to settle says the time left\n" + result);
        }
    }

    private const string TimeLeft = @"; (about \d+(\.\d)? (ms|s|min|h)|under 1 s) left$";

    /// <summary>The progress lines of the log, each with its rows done.</summary>
    private static List<(string Line, int Rows)> ProgressLines(CliResult result)
    {
        var lines = result.ErrorLines.Where(l => l.Contains("Progress:", StringComparison.Ordinal))
            .Select(l => (l, int.Parse(Regex.Match(l, @"Progress: (\d+) rows done").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        TestContext.Out.WriteLine(string.Join("\n", lines.Select(l => l.Item1)));
        return lines;
    }
}
