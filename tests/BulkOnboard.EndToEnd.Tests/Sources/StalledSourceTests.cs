using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using Microsoft.AspNetCore.Http;

namespace BulkOnboard.EndToEnd.Tests.Sources;

/// <summary>
/// A source that sends its headers and then stalls, or trickles forever, ends the run with one line
/// (exit 1, nothing sent) within <c>Sources:Timeout</c> between bytes and <c>Sources:Deadline</c> in all:
/// import, sync and <c>watch --once</c> once never ended. The CLI runs on the real clock, so the limits
/// are a second or two.
/// </summary>
public class StalledSourceTests
{
    /// <summary>Far longer than any limit here: a run that has not ended by then hangs.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private HttpsSourceServer _server = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _server = await HttpsSourceServer.StartAsync(_workspace.Folder);
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Sources:CaCertificate"] = _server.CaFile;
        _settings["Sources:Timeout"] = "00:00:01";
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        _server.Answer("/stalls.csv", async context =>
        {
            await StartRoster(context);
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        });
        _server.Answer("/trickles.csv", async context =>
        {
            await StartRoster(context);
            for (var i = 0; !context.RequestAborted.IsCancellationRequested; i++)
            {
                // A byte every 200 ms: never silent for a second, never done.
                await Task.Delay(200, context.RequestAborted);
                await context.Response.WriteAsync(i % 2 == 0 ? "a" : "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [TestCase("import")]
    [TestCase("sync")]
    public async Task ASourceThatStallsAfterItsHeaders_EndsTheRun_Exit1(string command)
    {
        var result = await CliRun.RunAsync(_settings, [command, _server.Url("/stalls.csv"), command == "sync" ? "--yes" : "--force", "--out", _workspace.ReportFolder], CancellationToken.None)
            .WaitAsync(Hang);

        AssertGivenUp(result, 1, "sent nothing for 00:00:01 (Sources:Timeout)");
    }

    [Test]
    public async Task WatchOnce_ANamedSourceThatStalls_EndsTheRun()
    {
        _settings["Sources:hr:Url"] = _server.Url("/stalls.csv");
        _settings["Sources:hr:Every"] = "00:00:01";

        var result = await CliRun.RunAsync(_settings, "watch", "--inbox", Path.Combine(_workspace.Folder, "inbox"), "--once").WaitAsync(Hang);

        AssertGivenUp(result, result.ExitCode is 0 ? -1 : result.ExitCode, "sent nothing for 00:00:01 (Sources:Timeout)");
    }

    [Test]
    public async Task ASourceThatTricklesForever_EndsAtTheDeadline_Exit1()
    {
        _settings["Sources:Deadline"] = "00:00:02";

        var result = await CliRun.RunAsync(_settings, "import", _server.Url("/trickles.csv"), "--out", _workspace.ReportFolder).WaitAsync(Hang);

        AssertGivenUp(result, 1, "not fetched within 00:00:02 (Sources:Deadline)");
    }

    private static async Task StartRoster(HttpContext context)
    {
        context.Response.ContentType = "text/csv";
        context.Response.ContentLength = 100_000;
        await context.Response.WriteAsync("Email,Type\nann@x.example,guest\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private void AssertGivenUp(CliResult result, int exitCode, string reason)
    {
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(result.Error, Does.Contain(reason), result.ToString());
        Assert.That(result.Error, Does.Not.Match(@"(?m)^\s+at ").And.Not.Contain("unexpected"), result.ToString());
        Assert.That(_sandbox.State.Requests, Is.Empty, "nothing sent");
    }
}
