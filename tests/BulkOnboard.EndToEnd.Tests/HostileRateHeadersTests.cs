using System.Text;
using System.Text.RegularExpressions;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// The real CLI against rate-limit headers that are out of range or ask for no wait (the sandbox's
/// <c>AnswerHeaders</c>): a row Tallyfy created is never failed for its headers, and 429s that give no usable
/// wait end the run cleanly instead of never.
/// </summary>
public class HostileRateHeadersTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task HeadersOutOfRangeOnEveryAnswer_EveryRowTallyfyCreatedIsCreated_EachHeaderWarnedOnce()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            AnswerHeaders = new()
            {
                ["X-RateLimit-Remaining"] = "50",
                ["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Retry-After"] = "99999999999999999999",
                ["RateLimit-Policy"] = "10;w=1e300",
            },
        });

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", _workspace.Write("people.csv", Rows(8)), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_workspace.Reports.Results().Select(l => l.Outcome), Is.EqualTo(Enumerable.Repeat("created", 8)));
        Assert.That(sandbox.State.Guests, Has.Count.EqualTo(8));
        Assert.That(result.Error, Does.Not.Contain("OverflowException").And.Not.Contain("internal error"));
        foreach (var header in new[] { "X-RateLimit-Reset", "Retry-After", "RateLimit-Policy" })
        {
            Assert.That(Regex.Count(result.Error, $"Ignored a rate-limit header out of range: {header}:"), Is.EqualTo(1), $"{header} warned once\n{result}");
        }
    }

    [TestCase("0")]
    [TestCase("Thu, 01 Jan 2015 00:00:00 GMT")]
    public async Task Every429AsksForNoWait_TheRunStopsAtMaxRateLimitWait_WithExit3_SayingItIsRateLimited(string retryAfter)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            ThrottleAfterRequests = 0,
            ThrottleDuration = TimeSpan.FromHours(1),
            AnswerHeaders = new() { ["Retry-After"] = retryAfter },
        });
        var settings = CliRun.SettingsFor(sandbox);
        settings["Delivery:MaxRateLimitWait"] = "00:00:04";

        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("people.csv", Rows(8)), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(result.Error, Does.Contain("Rate limited: the API answers 429 without a usable wait"));
        var summary = _workspace.Reports.Summary;
        Assert.That(summary.StoppedBecause, Does.Contain("Delivery:MaxRateLimitWait"));
        Assert.That((summary.NotAttempted, summary.Failed), Is.EqualTo((8, 0)), "a row never fails because the API asked us to slow down");
        Assert.That(sandbox.State.Requests.Count, Is.LessThanOrEqualTo(2), "never at the pace: each 429 waits at least the default pause");
    }

    [Test]
    public async Task Every429AsksForNoWait_429sInARowCountTogether_TowardMaxRateLimitWait()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            ThrottleAfterRequests = 0,
            ThrottleDuration = TimeSpan.FromHours(1),
            AnswerHeaders = new() { ["Retry-After"] = "0" },
        });
        var settings = CliRun.SettingsFor(sandbox);
        settings["Delivery:MaxRateLimitWait"] = "00:00:08"; // each wait (5 s) is within it; two in a row are not

        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("people.csv", Rows(4)), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(_workspace.Reports.Summary.StoppedBecause, Does.Contain("the API has refused every request since").And.Contain("Delivery:MaxRateLimitWait"));
        Assert.That(sandbox.State.Requests.Count, Is.InRange(2, 5), "the first request alone, 5 s, one round of the four rows, and the 429s together pass the limit");
    }

    private static string Rows(int count)
    {
        var csv = new StringBuilder("Email,First Name,Type\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append($"p{i}@x.example,P{i},guest\n");
        }

        return csv.ToString();
    }
}
