using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Control characters from file names, headers and the API are escaped before they reach the console or the log.</summary>
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
}
