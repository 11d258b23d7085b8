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
    public async Task OnExistingUpdate_300Guests100WithOlderDetails_200Created100Updated_ThenNothingToDo()
    {
        await Import(Guests(0, 100, phone: "+1 555 0100"), "old");
        var file = Guests(0, 300, phone: "+44 20 7946 0000");

        var update = await Import(file, "update", "--on-existing", "update");
        var putsAfterUpdate = Puts();
        var again = await Import(file, "again", "--on-existing", "update");

        Assert.That(update.ExitCode, Is.EqualTo(0), update.ToString());
        var summary = Summary("update");
        Assert.That((summary.Created, summary.Updated), Is.EqualTo((200, 100)));
        Assert.That(_sandbox.State.Guests["g7@x.example"].Fields["phone_1"], Is.EqualTo("+44 20 7946 0000"), "the sandbox holds the new details");
        Assert.That(putsAfterUpdate, Is.EqualTo(100));

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        var rerun = Summary("again");
        Assert.That(rerun.Skipped, Is.EqualTo(300));
        Assert.That(rerun.SkippedReasons.Keys, Is.SubsetOf(new[] { "unchanged", "already_done" }));
        Assert.That(Puts(), Is.EqualTo(putsAfterUpdate), "no PUT when Tallyfy already holds the details");
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
        Assert.That(summary.PreflightRequests, Is.EqualTo(3), "two pages of guests, one of members");
        Assert.That(summary.Requests, Is.EqualTo(53));
    }

    [Test]
    public async Task PreflightWithUpdate_ExistingGuestsAreCompared_NotCreated()
    {
        await Import(Guests(0, 10, phone: "+1 555 0100"), "old");
        var postsBefore = _sandbox.State.Requests.Count(r => r.Method == "POST");

        var result = await Import(Guests(0, 12, phone: "+1 555 0199"), "both", "--preflight", "--on-existing", "update");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That((Summary("both").Updated, Summary("both").Created), Is.EqualTo((10, 2)));
        Assert.That(_sandbox.State.Requests.Count(r => r.Method == "POST") - postsBefore, Is.EqualTo(2));
        Assert.That(Puts(), Is.EqualTo(10));
    }

    private Task<CliResult> Import(string file, string output, params string[] extra) =>
        CliRun.RunAsync(_settings, ["import", file, "--out", Path.Combine(_workspace.Folder, output), .. extra]);

    private string Guests(int from, int to, string phone)
    {
        var csv = new StringBuilder("Email,First Name,Phone,Type\n");
        for (var i = from; i < to; i++)
        {
            csv.Append($"g{i}@x.example,G{i},{phone},guest\n");
        }

        return _workspace.Write($"guests-{from}-{to}-{phone.GetHashCode(StringComparison.Ordinal):x}.csv", csv.ToString());
    }

    private int Puts() => _sandbox.State.Requests.Count(r => r.Method == "PUT");

    private BulkOnboard.Reporting.RunSummary Summary(string output) => new Reports(Path.Combine(_workspace.Folder, output)).Summary;
}
