using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Support: Tallyfy's <c>X-Request-Id</c> of each row's last request reaches the report, and a failed row's log line.</summary>
public class RequestIdTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task EachSentRow_CarriesTheRequestIdTallyfyAnswered_AndTheFailedRowsLogLineNamesIt()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { TokenMayInviteAdmins = false });
        var csv = new StringBuilder("Email,First Name,Last Name,Role,Type\n");
        for (var i = 0; i < 10; i++)
        {
            csv.Append(i == 4 ? $"boss@x.example,B,{i},admin,member\n" : i % 2 == 0 ? $"m{i}@x.example,M,{i},standard,member\n" : $"g{i}@x.example,G,{i},,guest\n");
        }

        csv.Append("not-an-email,N,N,,guest\n");

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", _workspace.Write("people.csv", csv.ToString()), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var lines = _workspace.Reports.Results();
        var answered = sandbox.State.Requests.Where(r => r.Method == "POST").ToDictionary(r => r.Email!, r => r.RequestId, StringComparer.OrdinalIgnoreCase);
        Assert.That(answered.Values, Is.All.StartWith("req_"));
        foreach (var line in lines.Where(l => l.Outcome is "created" or "invited" or "failed"))
        {
            Assert.That(line.RequestId, Is.EqualTo(answered[line.Email]), line.Email);
        }

        Assert.That(lines.Single(l => l.Outcome == "invalid").RequestId, Is.Empty, "never sent: no request id");
        var failed = lines.Single(l => l.Outcome == "failed");
        Assert.That(result.ErrorLines.Where(l => l.Contains(failed.RequestId, StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(1).And.All.Contain("Row 6 failed"),
            result.ToString());
    }
}
