using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests.Sources;

/// <summary>Sources over SFTP, against a real OpenSSH server on loopback: the host key pinned, the client key authorized.</summary>
public class SftpSourceTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private SftpServer _server = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _server = SftpServer.Start(Path.Combine(_workspace.Folder, "sshd"));
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Sources:HostKey"] = _server.HostKeyFingerprint;
        _settings["Sources:PrivateKeyFile"] = _server.ClientKey;
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
    }

    [TearDown]
    public async Task TearDown()
    {
        _server?.Dispose();
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        _workspace.Dispose();
    }

    [Test]
    public async Task SyncYes_AnSftpRoster_AppliesIt()
    {
        var roster = _workspace.Write("roster.csv", HttpsSourceTests.Roster(6));

        var result = await CliRun.RunAsync(_settings, "sync", _server.Url(roster), "--yes", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(6));
        Assert.That(Directory.GetFiles(_workspace.ReportFolder, "roster.*.results.csv"), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task AServerWithAnotherHostKeyThanThePinnedOne_IsRefused_OneLine_Exit6()
    {
        var roster = _workspace.Write("roster.csv", HttpsSourceTests.Roster(3));
        _settings["Sources:HostKey"] = SftpServer.OtherFingerprint(_workspace.Folder);

        var result = await CliRun.RunAsync(_settings, "import", _server.Url(roster), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(6), result.ToString());
        Assert.That(HttpsSourceTests.ErrorLine(result), Does.Contain("host key").And.Contain(_server.HostKeyFingerprint));
        Assert.That(_sandbox.State.Requests, Is.Empty);
    }

    [Test]
    public async Task NoPinnedHostKey_IsNeverTrustedOnFirstUse_Exit6()
    {
        var roster = _workspace.Write("roster.csv", HttpsSourceTests.Roster(3));
        _settings.Remove("Sources:HostKey");

        var result = await CliRun.RunAsync(_settings, "import", _server.Url(roster), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(6), result.ToString());
        Assert.That(HttpsSourceTests.ErrorLine(result), Does.Contain("no host key is pinned"));
    }

    [Test]
    public async Task AKeyTheServerDoesNotAuthorize_IsRefusedAccess_Exit6()
    {
        var roster = _workspace.Write("roster.csv", HttpsSourceTests.Roster(3));
        SftpServer.OtherFingerprint(_workspace.Folder);
        _settings["Sources:PrivateKeyFile"] = Path.Combine(_workspace.Folder, "other_key");

        var result = await CliRun.RunAsync(_settings, "import", _server.Url(roster), "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(6), result.ToString());
        Assert.That(HttpsSourceTests.ErrorLine(result), Does.Contain("refused access"));
    }
}
