using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Every bad input: exit 1, one clear line, no stack trace, nothing sent.</summary>
public class BadInputTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public Task MissingFile() => AssertRefused(Path.Combine(_workspace.Folder, "nope.csv"), "not found");

    [Test]
    public Task EmptyFile() => AssertRefused(_workspace.Write("empty.csv", ""), "empty");

    [Test]
    public Task HeaderOnly() => AssertRefused(_workspace.Write("header.csv", "Email,First Name\r\n"), "no data rows");

    [Test]
    public Task NoEmailColumn() => AssertRefused(_workspace.Write("names.csv", "Name,Phone\nAnn,555\n"), "no email column");

    [Test]
    public Task BinaryJunkNamedCsv()
    {
        var junk = new byte[10_000];
        new Random(3).NextBytes(junk);
        return AssertRefused(_workspace.WriteBytes("junk.csv", junk), "not a text file");
    }

    [Test]
    public Task UnsupportedExtension() => AssertRefused(_workspace.Write("people.json", "{}"), "unsupported file type");

    [Test]
    public Task UnknownKind() => AssertRefused(_workspace.Write("p.csv", "Email\na@x.example\n"), "use guest or member", "--kind", "volunteer");

    [Test]
    public Task NoKindAnywhere() => AssertRefused(_workspace.Write("p.csv", "Email\na@x.example\n"), "--kind guest or --kind member");

    [Test]
    public Task MissingToken() =>
        AssertRefused(_workspace.Write("p.csv", "Email,Type\na@x.example,guest\n"), "Tallyfy:AccessToken (environment variable Tallyfy__AccessToken or TALLYFY_ACCESS_TOKEN) is not set",
            settings: s => s["Tallyfy:AccessToken"] = "");

    [Test]
    public Task MissingOrganization() =>
        AssertRefused(_workspace.Write("p.csv", "Email,Type\na@x.example,guest\n"), "Tallyfy:OrganizationId (environment variable Tallyfy__OrganizationId or TALLYFY_ORG_ID) is not set",
            settings: s => s["Tallyfy:OrganizationId"] = "");

    [Test]
    public Task MalformedSetting() =>
        AssertRefused(_workspace.Write("p.csv", "Email,Type\na@x.example,guest\n"), "Delivery:RequestsPerMinute (environment variable Delivery__RequestsPerMinute): 'fast' is not a valid whole number",
            settings: s => s["Delivery:RequestsPerMinute"] = "fast");

    [Test]
    public Task BreakTooShort() =>
        AssertRefused(_workspace.Write("p.csv", "Email,Type\na@x.example,guest\n"), "Delivery:BreakDuration (environment variable Delivery__BreakDuration) must be between",
            settings: s => s["Delivery:BreakDuration"] = "00:00:00");

    [Test]
    public Task UnknownOption() => AssertRefused(_workspace.Write("p.csv", "Email,Type\na@x.example,guest\n"), "--frobnicate", "--frobnicate");

    private async Task AssertRefused(string file, string expected, params string[] extra) => await AssertRefused(file, expected, null, extra);

    private async Task AssertRefused(string file, string expected, Action<Dictionary<string, string?>>? settings, params string[] extra)
    {
        var values = CliRun.SettingsFor(_sandbox);
        settings?.Invoke(values);

        var result = await CliRun.RunAsync(values, ["import", file, "--out", _workspace.ReportFolder, .. extra]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.Count.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.StartWith("bulkonboard: error: ").And.Contain(expected));
        Assert.That(result.Error, Does.Not.Contain(" at "), "no stack trace");
        Assert.That(_sandbox.State.Requests, Is.Empty, "nothing sent");
    }
}
