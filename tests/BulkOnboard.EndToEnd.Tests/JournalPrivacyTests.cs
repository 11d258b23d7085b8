using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// The journal is owner-only (0600, its folder 0700) however it was created and whatever the umask, and
/// tightened when an older version left it wider: by every command that opens it, under umask 022.
/// </summary>
[Platform(Exclude = "Win")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class JournalPrivacyTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerFile | UnixFileMode.UserExecute;

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;
    private IDisposable _umask = null!;
    private string _folder = null!;
    private string _journal = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _folder = Path.Combine(_workspace.Folder, "state", "journal");
        _journal = Path.Combine(_folder, "journal.db");
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = _journal;
        _umask = Umask.Set(Umask.Permissive);
    }

    [TearDown]
    public async Task TearDown()
    {
        _umask.Dispose();
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _workspace.Dispose();
    }

    [Test]
    public async Task ASourceRefusedByAGate_CreatesTheJournalOwnerOnly_AndAnImportAfterItKeepsItSo()
    {
        await using var server = await HttpsSourceServer.StartAsync(_workspace.Folder);
        server.Csv("/report", "Email,First Name,Type\n");
        _settings["Sources:CaCertificate"] = server.CaFile;

        var refused = await CliRun.RunAsync(_settings, "import", server.Url("/report"), "--out", _workspace.ReportFolder);

        Assert.That(refused.ExitCode, Is.EqualTo(6), refused.ToString());
        AssertPrivate("after a source refused by a gate");

        var import = await CliRun.RunAsync(_settings, "import", _workspace.Write("people.csv", "Email,First Name,Last Name,Type\na@x.example,A,Lee,guest\nb@x.example,B,Lee,member\n"),
            "--out", _workspace.ReportFolder);

        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString());
        Assert.That(_sandbox.State.Guests.Count + _sandbox.State.Members.Count, Is.EqualTo(2));
        AssertPrivate("after an import");
    }

    [TestCase("history")]
    [TestCase("import")]
    public async Task AJournalAnOlderVersionLeft0644InA0755Folder_IsTightened_ByTheNextCommandThatOpensIt(string command)
    {
        var first = await CliRun.RunAsync(_settings, "import", _workspace.Write("people.csv", "Email,First Name,Type\na@x.example,A,guest\n"), "--out", _workspace.ReportFolder);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        const UnixFileMode wide = OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        foreach (var file in Directory.GetFiles(_folder))
        {
            File.SetUnixFileMode(file, wide);
        }

        File.SetUnixFileMode(_folder, wide | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        var next = command == "history"
            ? await CliRun.RunAsync(_settings, "history")
            : await CliRun.RunAsync(_settings, "import", _workspace.Write("more.csv", "Email,First Name,Type\nc@x.example,C,guest\n"), "--out", _workspace.ReportFolder);

        Assert.That(next.ExitCode, Is.EqualTo(0), next.ToString());
        AssertPrivate($"after {command}");
    }

    private void AssertPrivate(string when)
    {
        Assert.That(File.Exists(_journal), Is.True, $"{when}: the journal exists");
        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(_folder), Is.EqualTo(OwnerFolder), $"{when}: {_folder}");
            foreach (var file in Directory.GetFiles(_folder))
            {
                Assert.That(File.GetUnixFileMode(file), Is.EqualTo(OwnerFile), $"{when}: {file}");
            }
        });
    }
}
