using System.Text;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Plan;

public class RosterPlannerTests
{
    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void JoinersMoversAndUnchanged_FromTheRoster()
    {
        var roster = Roster("new@x.example,member,standard", "ann@x.example,member,admin", "bob@x.example,member,standard", "g.new@x.example,guest,");
        var tallyfy = People(members: [Member("ann@x.example", "standard"), Member("bob@x.example", "standard")]);

        var plan = RosterPlanner.Plan(roster, tallyfy, History(onboarded: ["member:ann@x.example", "member:bob@x.example"]), new SyncOptions());

        Assert.That(plan.Changes.Select(c => (c.Email, c.Action)), Is.EqualTo(new[]
        {
            ("new@x.example", PlanAction.Invite), ("ann@x.example", PlanAction.UpdateRole), ("bob@x.example", PlanAction.Unchanged), ("g.new@x.example", PlanAction.Create),
        }));
        Assert.That((plan.Changes[1].Role, plan.Changes[1].TallyfyId, plan.Changes[1].Detail), Is.EqualTo(("admin", "id-ann@x.example", "role standard -> admin")));
    }

    [Test]
    public void AnInvalidRow_OrARowOfAnotherKind_NeverMakesALeaver()
    {
        // Ann's row has a bad role; Bob is listed as a guest now. Both are in the roster: neither is deactivated.
        var roster = Roster("ann@x.example,member,superuser", "bob@x.example,guest,");
        var tallyfy = People(members: [Member("ann@x.example"), Member("bob@x.example")]);

        var plan = RosterPlanner.Plan(roster, tallyfy, History(onboarded: ["member:ann@x.example", "member:bob@x.example"], previous: 2), new SyncOptions { LeaverGracePeriod = TimeSpan.Zero, LeaverGraceRuns = 1 });

        Assert.That(plan.Leavers, Is.Empty);
        Assert.That(plan.Changes[0].Detail, Does.Contain("not treated as a leaver"));
    }

    [Test]
    public void PeopleBulkOnboardDidNotOnboard_AreLeftAlone_UnlessManageExisting()
    {
        var roster = Roster(Enumerable.Range(0, 50).Select(i => $"p{i}@x.example,member,standard").ToArray());
        var tallyfy = People(members: [.. Enumerable.Range(0, 50).Select(i => Member($"p{i}@x.example")), Member("byhand@x.example")]);

        var left = RosterPlanner.Plan(roster, tallyfy, History(), new SyncOptions { LeaverGracePeriod = TimeSpan.Zero, LeaverGraceRuns = 1 });
        var managed = RosterPlanner.Plan(roster, tallyfy, History(), new SyncOptions { LeaverGracePeriod = TimeSpan.Zero, LeaverGraceRuns = 1, ManageExisting = true });

        Assert.That((left.Leavers.Count(), left.OutOfScope), Is.EqualTo((0, 1)));
        Assert.That(managed.Leavers.Single().Action, Is.EqualTo(PlanAction.Deactivate));
    }

    [TestCase(false, PlanAction.Hold)]
    [TestCase(true, PlanAction.Deactivate)]
    public void AnAdminLeaver_IsHeldUnlessAllowed(bool allow, PlanAction expected)
    {
        var plan = PlanWithLeaver(Member("boss@x.example", "admin"), new SyncOptions { LeaverGracePeriod = TimeSpan.Zero, LeaverGraceRuns = 1, AllowAdminLeavers = allow, MaxLeaversPercent = 100 });

        Assert.That(plan.Leavers.Single().Action, Is.EqualTo(expected));
    }

    [Test]
    public void TheDefaultAdministrator_IsHeldEvenWhenEverythingIsAllowed()
    {
        var admin = Member("owner@x.example", "admin") with { IsDefaultAdmin = true };

        var plan = PlanWithLeaver(admin, new SyncOptions { LeaverGracePeriod = TimeSpan.Zero, LeaverGraceRuns = 1, AllowAdminLeavers = true, ManageExisting = true, MaxLeaversPercent = 100 });

        var held = plan.Leavers.Single();
        Assert.That((held.Action, held.Intended), Is.EqualTo((PlanAction.Hold, (PlanAction?)PlanAction.Deactivate)));
        Assert.That(held.Detail, Does.Contain("default administrator"));
    }

    [Test]
    public void AProtectedEmail_IsHeld() =>
        Assert.That(PlanWithLeaver(Member("ceo@x.example"), new SyncOptions { LeaverGracePeriod = TimeSpan.Zero, LeaverGraceRuns = 1, Protected = ["CEO@x.example"], MaxLeaversPercent = 100 }).Leavers.Single().Detail,
            Does.Contain("Sync:Protected"));

    [TestCase(0, PlanAction.Hold)]
    [TestCase(1, PlanAction.Deactivate)]
    public void Grace_ALeaverGoesOnceMissingFromEnoughRosters(int missingBefore, PlanAction expected)
    {
        var leaver = Member("gone@x.example");
        var roster = Roster(Enumerable.Range(0, 40).Select(i => $"p{i}@x.example,member,standard").ToArray());
        var tallyfy = People(members: [.. Enumerable.Range(0, 40).Select(i => Member($"p{i}@x.example")), leaver]);
        var history = History(onboarded: ["member:gone@x.example"], absences: missingBefore == 0 ? [] : [("member:gone@x.example", missingBefore)]);

        var plan = RosterPlanner.Plan(roster, tallyfy, history, new SyncOptions { LeaverGraceRuns = 2 });

        Assert.That(plan.Leavers.Single().Action, Is.EqualTo(expected));
        Assert.That(plan.Missing[(PersonKind.Member, "gone@x.example")].Rosters, Is.EqualTo(missingBefore + 1));
    }

    [Test]
    public void Grace_TheSameRosterAgain_CountsOnce()
    {
        var (roster, tallyfy) = FortyAndOneLeaver();
        var history = History(onboarded: ["member:gone@x.example"], absences: [("member:gone@x.example", 1)]) with { RosterSha256 = EarlierSha };

        var plan = RosterPlanner.Plan(roster, tallyfy, history, new SyncOptions { LeaverGraceRuns = 2, LeaverGracePeriod = TimeSpan.Zero });

        Assert.That(plan.Leavers.Single().Action, Is.EqualTo(PlanAction.Hold));
        Assert.That(plan.Leavers.Single().Detail, Does.Contain("missing from 1 of the 2"));
        Assert.That(plan.Missing[(PersonKind.Member, "gone@x.example")].Rosters, Is.EqualTo(1));
    }

    [TestCase(2, PlanAction.Hold)]
    [TestCase(30, PlanAction.Deactivate)]
    public void Grace_ALeaverMissingFromEnoughRosters_StillWaitsForTheGracePeriod(int hoursMissing, PlanAction expected)
    {
        var (roster, tallyfy) = FortyAndOneLeaver();
        var history = History(onboarded: ["member:gone@x.example"]) with
        {
            Absences = new Dictionary<(PersonKind, string), Absence> { [(PersonKind.Member, "gone@x.example")] = new(5, Now - TimeSpan.FromHours(hoursMissing), EarlierSha) },
        };

        var plan = RosterPlanner.Plan(roster, tallyfy, history, new SyncOptions { LeaverGraceRuns = 2 });

        Assert.That(plan.Leavers.Single().Action, Is.EqualTo(expected));
        if (expected == PlanAction.Hold)
        {
            Assert.That(plan.Leavers.Single().Detail, Does.Contain("Sync:LeaverGracePeriod"));
        }
    }

    [Test]
    public void AnOutOfScopePersonTheJournalKnows_IsLeftAloneWithTheReason()
    {
        var (roster, tallyfy) = FortyAndOneLeaver();
        var history = History() with { KnownNotOnboarded = new Dictionary<(PersonKind, string), string> { [(PersonKind.Member, "gone@x.example")] = "updated" } };

        var plan = RosterPlanner.Plan(roster, tallyfy, history, new SyncOptions { LeaverGraceRuns = 1, LeaverGracePeriod = TimeSpan.Zero });

        Assert.That(plan.Leavers, Is.Empty);
        Assert.That(plan.LeftAlone.Single().Detail, Does.Contain("did not create or invite").And.Contain("updated"));
    }

    private (List<ValidatedRow> Roster, TallyfyPeople Tallyfy) FortyAndOneLeaver() => (
        Roster(Enumerable.Range(0, 40).Select(i => $"p{i}@x.example,member,standard").ToArray()),
        People(members: [.. Enumerable.Range(0, 40).Select(i => Member($"p{i}@x.example")), Member("gone@x.example")]));

    [Test]
    public void MoreLeaversThanTheCap_AreAllHeld()
    {
        var roster = Roster(Enumerable.Range(0, 300).Select(i => $"p{i}@x.example,member,standard").ToArray());
        var leavers = Enumerable.Range(0, 11).Select(i => Member($"gone{i}@x.example")).ToList();
        var tallyfy = People(members: [.. Enumerable.Range(0, 300).Select(i => Member($"p{i}@x.example")), .. leavers]);
        var history = History(onboarded: [.. leavers.Select(l => $"member:{l.Email}")]);

        var plan = RosterPlanner.Plan(roster, tallyfy, history, new SyncOptions { LeaverGracePeriod = TimeSpan.Zero, LeaverGraceRuns = 1 });

        Assert.That(plan.Leavers.Select(l => l.Action), Is.All.EqualTo(PlanAction.Hold));
        Assert.That(plan.Guards[0], Does.Contain("11 leavers are more than Sync:MaxLeavers (10)"));
    }

    [Test]
    public void ARosterMuchSmallerThanTheLastOne_AppliesNoLeavers_ButItsJoinersGo()
    {
        var roster = Roster([.. Enumerable.Range(0, 50).Select(i => $"p{i}@x.example,member,standard"), "joiner@x.example,member,standard"]);
        var tallyfy = People(members: [.. Enumerable.Range(0, 100).Select(i => Member($"p{i}@x.example"))]);
        var history = History(onboarded: [.. Enumerable.Range(0, 100).Select(i => $"member:p{i}@x.example")], previous: 100);

        var plan = RosterPlanner.Plan(roster, tallyfy, history, new SyncOptions { LeaverGracePeriod = TimeSpan.Zero, LeaverGraceRuns = 1, MaxLeavers = 1000, MaxLeaversPercent = 100 });

        Assert.That(plan.Leavers.Count(), Is.EqualTo(50));
        Assert.That(plan.Leavers.Select(l => l.Action), Is.All.EqualTo(PlanAction.Hold));
        Assert.That(plan.Guards[0], Does.Contain("under 80% of the 100"));
        Assert.That(plan.Changes.Single(c => c.Email == "joiner@x.example").Action, Is.EqualTo(PlanAction.Invite));
    }

    [Test]
    public void ADeactivatedMember_IsNeitherReEnabledNorALeaver()
    {
        var roster = Roster("back@x.example,member,standard");
        var tallyfy = People(members: [Member("back@x.example") with { Status = "disabled" }, Member("gone@x.example") with { Status = "disabled" }]);

        var plan = RosterPlanner.Plan(roster, tallyfy, History(onboarded: ["member:back@x.example", "member:gone@x.example"]), new SyncOptions { LeaverGracePeriod = TimeSpan.Zero, LeaverGraceRuns = 1 });

        Assert.That(plan.Changes.Single().Action, Is.EqualTo(PlanAction.Unchanged));
        Assert.That(plan.OutOfScope, Is.EqualTo(1));
    }

    [Test]
    public void ARoleChange_OfSomeoneBulkOnboardDidNotOnboard_IsLeftAsTallyfyHasIt()
    {
        var plan = RosterPlanner.Plan(Roster("ann@x.example,member,admin"), People(members: [Member("ann@x.example")]), History(), new SyncOptions());

        Assert.That(plan.Changes.Single().Action, Is.EqualTo(PlanAction.Unchanged));
        Assert.That(plan.Changes.Single().Detail, Does.Contain("Sync:ManageExisting"));
    }

    [Test]
    public void AGuestsAssociatedMembers_ChangeAsAMover()
    {
        var path = _files.Write("g.csv", "Email,Type,Associated Members\ng@x.example,guest,1001;1003\nh@x.example,guest,5\n");
        var roster = Validate(path);
        var tallyfy = People(guests: [Guest("g@x.example", 1001, 1002), Guest("h@x.example", 5)]);

        var plan = RosterPlanner.Plan(roster, tallyfy, History(onboarded: ["guest:g@x.example", "guest:h@x.example"]), new SyncOptions());

        Assert.That(plan.Changes.Select(c => c.Action), Is.EqualTo(new[] { PlanAction.UpdateGuest, PlanAction.Unchanged }));
        Assert.That(plan.Changes[0].AssociatedMembers, Is.EqualTo(new long[] { 1001, 1003 }));
    }

    [Test]
    public void ANameChange_IsAProfileUpdate_WithTheRowsTimeZone_OrNoneWithoutOne()
    {
        var path = _files.Write("n.csv", "Email,Type,Role,First Name,Last Name,Time Zone\nann@x.example,member,standard,Ann,Smith,Europe/Paris\nbob@x.example,member,standard,Bob,Jones,\n");
        var tallyfy = People(members: [Member("ann@x.example") with { FirstName = "Ann", LastName = "Lee" }, Member("bob@x.example") with { FirstName = "Bob", LastName = "Ek" }]);

        var plan = RosterPlanner.Plan(Validate(path), tallyfy, History(onboarded: ["member:ann@x.example", "member:bob@x.example"]), new SyncOptions());

        var profile = plan.FollowUps.Single();
        Assert.That((profile.Email, profile.Action, profile.LastName, profile.Timezone), Is.EqualTo(("ann@x.example", PlanAction.UpdateProfile, "Smith", "Europe/Paris")));
        Assert.That(plan.Changes[1].Detail, Does.Contain("needs a time zone"), "without one, nothing is sent and the row says why");
    }

    [Test]
    public void PlanLine_RoundTrips()
    {
        var change = new PlannedChange(null, PersonKind.Member, "a@x.example", PlanAction.Hold, "held: grace", "7", "standard", null, PlanAction.Deactivate);

        Assert.That(PlanLine.From(change).ToChange(), Is.EqualTo(change));
    }

    private SyncPlan PlanWithLeaver(ListedPerson leaver, SyncOptions options)
    {
        var roster = Roster(Enumerable.Range(0, 30).Select(i => $"p{i}@x.example,member,standard").ToArray());
        var tallyfy = People(members: [.. Enumerable.Range(0, 30).Select(i => Member($"p{i}@x.example")), leaver]);
        return RosterPlanner.Plan(roster, tallyfy, History(onboarded: [$"member:{leaver.Email}"]), options);
    }

    private List<ValidatedRow> Roster(params string[] lines)
    {
        var csv = new StringBuilder("Email,Type,Role,First Name,Last Name\n");
        foreach (var line in lines)
        {
            csv.Append(line).Append(",First,Last\n");
        }

        return Validate(_files.Write($"roster-{Guid.NewGuid():N}.csv", csv.ToString()));
    }

    private static List<ValidatedRow> Validate(string path)
    {
        using var table = InputTable.Open(path, new HeaderMatcher(), null, CancellationToken.None);
        var validator = new RowValidator(table.Columns, new ImportDefaults(null, "standard", "Welcome"));
        return [.. table.DataRows().Select(validator.Validate)];
    }

    private static ListedPerson Member(string email, string role = "standard") => new(email, $"id-{email}", "First", "Last", role, "active", false, null);

    private static ListedPerson Guest(string email, params long[] members) => new(email, $"id-{email}", null, null, null, null, false, members);

    private static TallyfyPeople People(ListedPerson[]? members = null, ListedPerson[]? guests = null) => new(members ?? [], guests ?? []);

    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    private const string EarlierSha = "earlier-roster";

    /// <summary>A history at <see cref="Now"/>, planning a roster other than the earlier ones; earlier absences began two days ago.</summary>
    private static SyncHistory History(string[]? onboarded = null, int? previous = null, (string Who, int Times)[]? absences = null)
    {
        static (PersonKind, string) Key(string who) =>
            (who.StartsWith("guest:", StringComparison.Ordinal) ? PersonKind.Guest : PersonKind.Member, who[(who.IndexOf(':') + 1)..]);
        return new SyncHistory(
            (onboarded ?? []).Select(Key).ToHashSet(),
            previous,
            (absences ?? []).ToDictionary(a => Key(a.Who), a => new Absence(a.Times, Now - TimeSpan.FromDays(2), EarlierSha)))
        {
            Now = Now,
            RosterSha256 = "this-roster",
        };
    }
}
