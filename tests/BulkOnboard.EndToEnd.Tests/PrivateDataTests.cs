using System.Runtime.InteropServices;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>What BulkOnboard writes about people is readable by its owner only, whatever the umask.</summary>
[Platform(Exclude = "Win")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class PrivateDataTests
{
    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint Umask(uint mask);

    [Test]
    public async Task AnImportUnderUmask022_WritesEveryFileOwnerOnly_AndEveryFolderItCreates()
    {
        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var input = workspace.Write("people.xlsx.csv", "Email,First Name,Type\na@x.example,A,guest\nb@x.example,B,member\nbad,C,guest\n");
        var data = Path.Combine(workspace.Folder, "data");
        var settings = CliRun.SettingsFor(sandbox);
        settings["Journal:Path"] = Path.Combine(data, "journal", "journal.db");
        settings["Serilog:WriteTo:0:Name"] = "File";
        settings["Serilog:WriteTo:0:Args:path"] = Path.Combine(data, "logs", "bulkonboard-.log");
        settings["Serilog:WriteTo:0:Args:hooks"] = "BulkOnboard.Cli.Hosting.PrivateLogFiles::Instance, bulkonboard";
        var before = Umask(0b000_010_010);
        CliResult result;
        try
        {
            result = await CliRun.RunAsync(settings, "import", input, "--out", Path.Combine(data, "reports"));
            var plan = await CliRun.RunAsync(settings, "sync", input, "--plan", "--out", Path.Combine(data, "plans"));
            Assert.That(plan.ExitCode, Is.EqualTo(2), plan.ToString());
        }
        finally
        {
            Umask(before);
        }

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var files = Directory.GetFiles(data, "*", SearchOption.AllDirectories);
        Assert.That(files.Select(Path.GetFileName), Has.Some.EndsWith(".results.csv").And.Some.EndsWith(".failed.csv").And.Some.EndsWith(".summary.json")
            .And.Some.EndsWith(".plan.csv").And.Some.EndsWith(".plan.json").And.Some.EndsWith(".report.html").And.Some.EqualTo("journal.db").And.Some.StartsWith("bulkonboard-"), "reports, plans, journal and log");
        Assert.Multiple(() =>
        {
            foreach (var file in files)
            {
                Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), file);
            }

            foreach (var folder in Directory.GetDirectories(data, "*", SearchOption.AllDirectories).Append(data))
            {
                Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), folder);
            }
        });
    }
}
