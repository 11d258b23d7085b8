using System.Globalization;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Listings that are complete or say they are not: under a server that caps <c>per_page</c> at 100, and
/// under one that always answers 10 a page while computing <c>total_pages</c> from the size asked.
/// </summary>
public class ListingTests : SyncTestBase
{
    private const int Members = 2500;
    private const int Guests = 1200;

    [TestCase(null, TestName = "Sync_PageCapOf100_FindsEveryone_PlansNoJoiners")]
    [TestCase(10, TestName = "Sync_ServerIgnoringPerPage_FindsEveryone_PlansNoJoiners")]
    public async Task Sync_OfThePeopleTallyfyHas_PlansNoJoiner(int? ignorePerPage)
    {
        _sandbox.Options.IgnorePerPage = ignorePerPage;
        var roster = SeedEveryoneOf(Roster(Members, Guests));

        var planned = await Sync("plan", roster.Write(_workspace, "roster.csv"), "--plan");

        Assert.That(planned.ExitCode, Is.EqualTo(0), planned.ToString());
        var plan = PlanLines("plan");
        Assert.That(plan.Count(l => l.Action is "create" or "invite"), Is.Zero, "everyone is in Tallyfy already");
        Assert.That(plan.Count(l => l.Action == "unchanged" && !IsLeftAlone(l.Detail)), Is.EqualTo(Members + Guests));
        Assert.That(plan.Count(l => IsLeftAlone(l.Detail)), Is.EqualTo(2), "the default administrator and the member invited by hand");
        var listed = _sandbox.State.Requests.Where(r => r.Method == "GET" && (r.Path.EndsWith("/users", StringComparison.Ordinal) || r.Path.EndsWith("/guests", StringComparison.Ordinal))).ToList();
        Assert.That(listed, Has.Count.EqualTo(Pages(Members + 2, ignorePerPage) + Pages(Guests, ignorePerPage)), "every page up to the listing's total, whatever total_pages said");
    }

    [TestCase(null, TestName = "Preflight_PageCapOf100_FindsEveryone")]
    [TestCase(10, TestName = "Preflight_ServerIgnoringPerPage_FindsEveryone")]
    public async Task Preflight_OfAnImportOfThePeopleTallyfyHas_FindsThemAll(int? ignorePerPage)
    {
        _sandbox.Options.IgnorePerPage = ignorePerPage;
        var roster = SeedEveryoneOf(Roster(Members, Guests));

        var result = await CliRun.RunAsync(_settings, "import", roster.Write(_workspace, "people.csv"), "--preflight", "--out", Path.Combine(_workspace.Folder, "import"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var lines = new Reports(Path.Combine(_workspace.Folder, "import")).Results();
        Assert.That(lines.Select(l => (l.Outcome, l.Reason)).Distinct(), Is.EqualTo(new[] { ("skipped", "already_exists") }));
        Assert.That(lines, Has.Count.EqualTo(Members + Guests));
        Assert.That(_sandbox.State.Requests.Count(r => r.Method == "POST"), Is.Zero, "nobody Tallyfy has costs a create");
    }

    [Test]
    public async Task Sync_ListingsAnswerLinksAsAnObjectThenAnEmptyArray_AreReadWhole()
    {
        // The sandbox sends links as {"next": ...} before the last page and [] on it, as Tallyfy does both.
        var roster = SeedEveryoneOf(Roster(250, 0));

        var planned = await Sync("plan", roster.Write(_workspace, "roster.csv"), "--plan");

        Assert.That(planned.ExitCode, Is.EqualTo(0), planned.ToString());
        Assert.That(PlanLines("plan").Count(l => l.Action == "unchanged" && !IsLeftAlone(l.Detail)), Is.EqualTo(250));
    }

    [Test]
    public async Task Sync_ListingsThatStateNoTotal_StopTheSync_NothingIsChanged()
    {
        _sandbox.Options.ListingsWithoutMeta = true;
        var roster = Roster(3, 1);

        var result = await Sync("apply", roster.Write(_workspace, "roster.csv"), "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("could not be shown complete").And.Contain("without stating its total"));
        Assert.That(_sandbox.State.Requests.Where(r => r.Method != "GET"), Is.Empty, "never planned from a listing that cannot be shown whole");
    }

    /// <summary>
    /// Pages a complete listing takes: at 10 a page (short of the 100 asked) until the count reaches the total; at 100
    /// a page until a short one, so a listing of whole pages ends with an empty one.
    /// </summary>
    private static int Pages(int people, int? ignorePerPage) => ignorePerPage is { } size ? (people + size - 1) / size : (people / 100) + 1;

    /// <summary>Puts the roster's people into the sandbox as they would be had a sync created them.</summary>
    private TestRoster SeedEveryoneOf(TestRoster roster)
    {
        var at = DateTimeOffset.UtcNow.AddDays(-30);
        foreach (var (email, role) in roster.Members)
        {
            var id = _sandbox.State.NextMemberId().ToString(CultureInfo.InvariantCulture);
            _sandbox.State.Members[email] = new SandboxPerson(id, "member", email,
                new Dictionary<string, string?> { ["role"] = role, ["status"] = "active", ["first_name"] = "First", ["last_name"] = "Last" }, at);
        }

        foreach (var email in roster.Guests)
        {
            var id = _sandbox.State.NextMemberId().ToString(CultureInfo.InvariantCulture);
            _sandbox.State.Guests[email] = new SandboxPerson(id, "guest", email,
                new Dictionary<string, string?> { ["first_name"] = "Guest", ["last_name"] = "Person" }, at);
        }

        return roster;
    }

    /// <summary>A plan line for someone in Tallyfy but not in the roster, whom sync leaves alone.</summary>
    private static bool IsLeftAlone(string detail) => detail.StartsWith("not in the roster, left alone", StringComparison.Ordinal);
}
