using System.Net;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Control characters from file names, headers and the API are escaped before they reach the console, the log or a report.</summary>
public class OutputNeutralisationTests
{
    [Test]
    public async Task FileNameAndHeaderWithEscapesAndLineBreaks_CannotForgeALineOrDriveTheTerminal()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("file names with control characters are a Unix thing");
        }

        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var settings = CliRun.SettingsFor(sandbox);
        settings["Import:DefaultKind"] = "guest";
        var logFile = Path.Combine(workspace.Folder, "bulkonboard.log");
        settings["Serilog:WriteTo:0:Name"] = "File";
        settings["Serilog:WriteTo:0:Args:path"] = logFile;
        var file = workspace.Write("evil\u001b[2J\n20:00:00 INF forged line.csv", "Email,Note\u001b]0;pwned\u0007\r\nann@example.com,hi\n");

        var result = await CliRun.RunAsync(settings, "import", file, "--out", workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var everything = result.Out + result.Error + (File.Exists(logFile) ? File.ReadAllText(logFile) : string.Empty);
        Assert.That(everything.Split('\n').Where(l => l.Contains('\u001b', StringComparison.Ordinal) || l.Contains('\u0007', StringComparison.Ordinal)).Select(l => l.Replace("\u001b", "<ESC>", StringComparison.Ordinal)), Is.Empty);
        Assert.That(everything.Split('\n').Where(l => l.StartsWith("20:00:00 INF forged", StringComparison.Ordinal)), Is.Empty, "no forged line");
        Assert.That(everything, Does.Contain("evil\\u001b[2J\\n20:00:00 INF forged line.csv"));
    }

    [Test]
    public async Task RefusedFileWithALineBreakInItsName_StillOneErrorLine()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("file names with control characters are a Unix thing");
        }

        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var file = workspace.Write("names\nbulkonboard: error: forged.csv", "Name,Phone\nAnn,555\n");

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", file, "--kind", "guest", "--out", workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Count(l => l.StartsWith("bulkonboard: error:", StringComparison.Ordinal)), Is.EqualTo(1), result.ToString());
    }

    [Test]
    public async Task AnApiMessageWithEscapes_IsEscapedInTheReports()
    {
        using var workspace = new Workspace();
        var port = BulkOnboard.Tests.Support.WebhookReceiver.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        await using var api = builder.Build();
        api.MapPost("/api/organizations/o1/guests", (HttpContext http) =>
        {
            http.Response.StatusCode = 422;
            return http.Response.WriteAsync("""{"message":"The given data was invalid.","errors":{"first_name":["bad \u001b[2J\u001b]0;pwned\u0007 name"]}}""");
        });
        await api.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Tallyfy:BaseUrl"] = $"http://127.0.0.1:{port}/api", ["Tallyfy:OrganizationId"] = "o1", ["Tallyfy:AccessToken"] = "t0k3n", ["Delivery:RequestsPerMinute"] = "6000",
        };

        var result = await CliRun.RunAsync(settings, "import", workspace.Write("p.csv", "Email,First Name\nann@example.com,Ann\n"), "--kind", "guest", "--no-preflight", "--out", workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var reports = File.ReadAllText(workspace.Reports.ResultsPath) + File.ReadAllText(workspace.Reports.FailedPath);
        Assert.That(reports.Where(c => c is '\u001b' or '\u0007'), Is.Empty, "no raw escape reaches a report");
        Assert.That(workspace.Reports.Results().Single().Message, Does.Contain("first_name: bad \\u001b[2J\\u001b]0;pwned\\u0007 name"));
    }
}
