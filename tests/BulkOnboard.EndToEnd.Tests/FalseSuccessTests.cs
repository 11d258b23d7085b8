using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// The real CLI behind a broken gateway (<c>Sandbox:FalseSuccess</c>): a write answered 2xx with an error flag,
/// a sign-in page or nothing is never <c>created</c> on faith, never journaled done, and recorded as
/// BulkOnboard's only when Tallyfy, read back, shows it.
/// </summary>
public class FalseSuccessTests
{
    private const string People = "Email,First Name,Last Name,Type,Role\n"
        + "g1@x.example,Gu,One,guest,\ng2@x.example,Gu,Two,guest,\nm1@x.example,Me,One,member,standard\n";

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task ErrorJsonForTheFirstWrites_NoRowIsCreatedOnFaith_TheRetriesCreateEveryOne()
    {
        await StartAsync(new SandboxOptions { FalseSuccess = "error-json", FalseSuccessWrites = 8 });
        _settings["Delivery:BreakDuration"] = "00:00:00.5";
        var file = _workspace.Write("guests.csv", "Email,First Name,Type\n" + string.Concat(Enumerable.Range(0, 8).Select(i => $"p{i}@x.example,P{i},guest\n")));

        var result = await CliRun.RunAsync(_settings, "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var lines = _workspace.Reports.Results();
        Assert.That(lines.Select(l => l.Outcome), Is.All.EqualTo("created"));
        Assert.That(lines.Select(l => l.TallyfyId), Is.All.Not.Empty, "created means Tallyfy's record, with its id");
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(8));
        Assert.That(_sandbox.State.Requests.Count(r => r.Method == "POST" && r.Status == 200), Is.EqualTo(8), "the eight false answers were all met");
    }

    [Test]
    public async Task ASignInPageForEveryWrite_NothingIsCreated_NorJournaledDone_AndARerunSendsEveryRow()
    {
        await StartAsync(new SandboxOptions { FalseSuccess = "login-page" });
        _settings["Delivery:MaxAttempts"] = "2";
        var file = _workspace.Write("people.csv", People);

        var first = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "first"));

        Assert.That(first.ExitCode, Is.EqualTo(2), first.ToString());
        var lines = new Reports(Path.Combine(_workspace.Folder, "first")).Results().ToDictionary(l => l.Email);
        Assert.That(lines.Values.Select(l => l.Outcome), Is.All.EqualTo("failed"));
        Assert.That(lines["g1@x.example"].Message, Does.Contain("an HTML page").And.Contain("read back, Tallyfy does not hold the guest: nothing was created"));
        Assert.That(lines["m1@x.example"].Message, Does.Contain("not counted as invited"));
        Assert.That(Onboarded(), Is.Empty);

        _sandbox.Options.FalseSuccess = null; // the gateway is fixed
        var again = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "again"));

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "again")).Results().Select(l => (l.Email, l.Outcome)),
            Is.EquivalentTo(new[] { ("g1@x.example", "created"), ("g2@x.example", "created"), ("m1@x.example", "invited") }), "none was journaled done");
        Assert.That(Onboarded(), Is.EquivalentTo(new[] { "g1@x.example", "g2@x.example", "m1@x.example" }));
    }

    [Test]
    public async Task AnEmptyCreatedAfterTheWriteWasApplied_TheGuestReadBackIsCreated_TheMemberIsNotClaimed()
    {
        await StartAsync(new SandboxOptions { FalseSuccess = "empty", FalseSuccessApplied = true });
        _settings["Delivery:MaxAttempts"] = "1";
        var file = _workspace.Write("people.csv", People);

        var result = await CliRun.RunAsync(_settings, "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var lines = _workspace.Reports.Results().ToDictionary(l => l.Email);
        Assert.That((lines["g1@x.example"].Outcome, lines["g1@x.example"].TallyfyId), Is.EqualTo(("created", _sandbox.State.Guests["g1@x.example"].Id)));
        Assert.That(lines["g1@x.example"].Message, Does.Contain("an empty body").And.Contain("read back, Tallyfy holds the guest"));
        Assert.That(lines["m1@x.example"].Outcome, Is.EqualTo("failed"), "Tallyfy cannot be asked about one invite: not invited on faith");
        Assert.That(_sandbox.State.Members.ContainsKey("m1@x.example"), Is.True, "it was applied");
        Assert.That(Onboarded(), Is.EquivalentTo(new[] { "g1@x.example", "g2@x.example" }), "only what Tallyfy showed is BulkOnboard's");
    }

    private async Task StartAsync(SandboxOptions options)
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(options);
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
    }

    private List<string> Onboarded()
    {
        using var connection = new SqliteConnection($"Data Source={_settings["Journal:Path"]};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT email FROM onboarded ORDER BY email;";
        using var reader = command.ExecuteReader();
        var emails = new List<string>();
        while (reader.Read())
        {
            emails.Add(reader.GetString(0));
        }

        return emails;
    }
}
