using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>--on-existing update and --preflight against the sandbox.</summary>
public class ExistingPeopleTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task OnExistingUpdate_300Guests100WithOlderDetails_OnlyAssociatedMembersAreUpdated_ThenNothingToDo()
    {
        // 100 guests in Tallyfy with an older phone and members [1001]; the new file has a new phone for
        // all, and for g0-g49 new members [1001, 1002]: Tallyfy's API updates only associated_members.
        await Import(Guests(0, 100, phone: "+1 555 0100", members: _ => "1001"), "old");
        var file = Guests(0, 300, phone: "+44 20 7946 0000", members: i => i < 50 ? "1001; 1002" : "1001");

        var update = await Import(file, "update", "--on-existing", "update");
        var putsAfterUpdate = Puts();
        var again = await Import(file, "again", "--on-existing", "update");

        Assert.That(update.ExitCode, Is.EqualTo(0), update.ToString());
        var summary = Summary("update");
        Assert.That((summary.Created, summary.Updated), Is.EqualTo((200, 50)));
        Assert.That(summary.SkippedReasons, Is.EqualTo(new Dictionary<string, int> { ["not_updatable"] = 50 }), "phone differs, and the API does not update it");
        var lines = new Reports(Path.Combine(_workspace.Folder, "update")).Results();
        Assert.That(lines.Single(l => l.Email == "g7@x.example").Message, Does.Contain("associated_members").And.Contain("phone_1"));
        Assert.That(lines.Single(l => l.Email == "g70@x.example").Message, Does.Contain("phone_1").And.Contain("does not update"));
        Assert.That(_sandbox.State.Guests["g7@x.example"].Fields["associated_members"], Is.EqualTo("[1001,1002]"), "the sandbox holds the new list");
        Assert.That(_sandbox.State.Guests["g7@x.example"].Fields["phone_1"], Is.EqualTo("+1 555 0100"), "Tallyfy kept the old phone, and the report does not claim otherwise");
        Assert.That(putsAfterUpdate, Is.EqualTo(50), "no PUT for a difference the API does not apply");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(Summary("again").Updated, Is.Zero);
        Assert.That(Puts(), Is.EqualTo(putsAfterUpdate), "a re-run sends no PUT");
    }

    [Test]
    public async Task OnExistingUpdate_RowWithNothingButTheEmail_IsUnchanged_NoPut()
    {
        await Import(Guests(0, 1, phone: "+1 555 0100"), "first", "--force");
        var emailOnly = _workspace.Write("bare.csv", "Email,Type\ng0@x.example,guest\n");

        await CliRun.RunAsync(_settings, "import", emailOnly, "--out", Path.Combine(_workspace.Folder, "bare"), "--on-existing", "update");

        Assert.That(Summary("bare").SkippedReasons, Is.EqualTo(new Dictionary<string, int> { ["unchanged"] = 1 }));
        Assert.That(Puts(), Is.Zero);
    }

    [Test]
    public async Task Preflight_SkipsPeopleTallyfyHas_WithoutCreateRequests()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            ExistingGuests = [.. Enumerable.Range(0, 150).Select(i => $"g{i}@x.example")],
            ExistingMembers = ["m@x.example"],
        });
        var settings = CliRun.SettingsFor(sandbox);

        var result = await CliRun.RunAsync(settings, "import", Guests(0, 200, phone: "+1 555 0100"), "--out", Path.Combine(_workspace.Folder, "pre"), "--preflight");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var summary = Summary("pre");
        Assert.That((summary.Created, summary.Skipped, summary.PreflightSavedPosts), Is.EqualTo((50, 150, (int?)150)));
        Assert.That(sandbox.State.Requests.Count(r => r.Method == "POST"), Is.EqualTo(50), "only the new people cost a POST");
        Assert.That(summary.PreflightRequests, Is.EqualTo(3), "two pages of guests at the server's cap of 100, one of members");
        Assert.That(summary.Requests, Is.EqualTo(53));
    }

    [Test]
    public async Task Preflight_AnOrganizationOf5000GuestsAnd3000Members_IsListedAtTheServersPageCap_AndOnlyNewRowsArePosted()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            ExistingGuests = [.. Enumerable.Range(0, 5000).Select(i => $"g{i}@x.example")],
            ExistingMembers = [.. Enumerable.Range(0, 3000).Select(i => $"m{i}@x.example")],
        });

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", Guests(4800, 5200, phone: "+1 555 0100"), "--out", Path.Combine(_workspace.Folder, "big"), "--preflight");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var summary = Summary("big");
        Assert.That((summary.Created, summary.Skipped, summary.PreflightRequests), Is.EqualTo((200, 200, (int?)82)),
            "100 a page, the server's cap: 50 full pages of guests and an empty 51st that shows the listing ended at its total; 31 of the 3,001 members");
        Assert.That(sandbox.State.Requests.Count(r => r.Method == "POST"), Is.EqualTo(200));
    }

    [Test]
    public async Task PreflightWithUpdate_ExistingGuestsAreCompared_NotCreated()
    {
        await Import(Guests(0, 10, phone: "+1 555 0100"), "old");
        var postsBefore = _sandbox.State.Requests.Count(r => r.Method == "POST");

        var result = await Import(Guests(0, 12, phone: "+1 555 0100", members: _ => "1001"), "both", "--preflight", "--on-existing", "update");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That((Summary("both").Updated, Summary("both").Created), Is.EqualTo((10, 2)));
        Assert.That(_sandbox.State.Requests.Count(r => r.Method == "POST") - postsBefore, Is.EqualTo(2));
        Assert.That(Puts(), Is.EqualTo(10));
    }

    private Task<CliResult> Import(string file, string output, params string[] extra) =>
        CliRun.RunAsync(_settings, ["import", file, "--out", Path.Combine(_workspace.Folder, output), .. extra]);

    private string Guests(int from, int to, string phone, Func<int, string>? members = null)
    {
        var csv = new StringBuilder(members is null ? "Email,First Name,Phone,Type\n" : "Email,First Name,Phone,Type,Associated Members\n");
        for (var i = from; i < to; i++)
        {
            csv.Append($"g{i}@x.example,G{i},{phone},guest{(members is null ? string.Empty : "," + members(i))}\n");
        }

        return _workspace.Write($"guests-{from}-{to}-{Guid.NewGuid():N}.csv", csv.ToString());
    }

    private int Puts() => _sandbox.State.Requests.Count(r => r.Method == "PUT");

    private BulkOnboard.Reporting.RunSummary Summary(string output) => new Reports(Path.Combine(_workspace.Folder, output)).Summary;
}
