using System.Text;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Plan;

/// <summary>People change (PRODUCT.md): conversions, rehires and new emails as the sync planner decides them.</summary>
public class RosterPlannerPeopleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private static SyncOptions Options(int maxLeavers = 100) => new() { LeaverGracePeriod = TimeSpan.Zero, LeaverGraceRuns = 1, MaxLeavers = maxLeavers, MaxLeaversPercent = 100, MinRosterPercent = 1 };

    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void AGuestListedAsAMember_IsConverted_NotInvitedBesideTheGuest_AndIsNoLeaver()
    {
        var plan = Plan(Roster("E1,ann@x.example,member,admin"), guests: [Guest("ann@x.example")], onboarded: ["guest:ann@x.example"]);

        Assert.That(plan.Changes.Select(c => (c.Email, c.Action, c.Role)), Is.EqualTo(new[] { ("ann@x.example", PlanAction.ConvertToMember, (string?)"admin") }));
    }

    [Test]
    public void AGuestBulkOnboardDidNotCreate_IsNotConverted_WithoutManageExisting()
    {
        var plan = Plan(Roster("E1,ann@x.example,member,standard"), guests: [Guest("ann@x.example")]);

        Assert.That(plan.Changes.Single().Action, Is.EqualTo(PlanAction.Unchanged));
        Assert.That(plan.Changes.Single().Detail, Does.Contain("Sync:ManageExisting"));
    }

    [Test]
    public void AMemberListedAsAGuest_IsConverted_UnderTheLeaverPolicy()
    {
        var roster = Roster([.. Enumerable.Range(0, 4).Select(i => $"E{i},m{i}@x.example,guest,")]);
        var members = Enumerable.Range(0, 4).Select(i => Member($"m{i}@x.example")).ToArray();
        var onboarded = Enumerable.Range(0, 4).Select(i => $"member:m{i}@x.example").ToArray();

        var free = Plan(roster, members: members, onboarded: onboarded);
        var capped = Plan(roster, members: members, onboarded: onboarded, options: Options(maxLeavers: 2));

        Assert.That(free.Changes.Select(c => c.Action), Is.All.EqualTo(PlanAction.ConvertToGuest));
        Assert.That(capped.Changes.Select(c => (c.Action, c.Intended)), Is.All.EqualTo((PlanAction.Hold, (PlanAction?)PlanAction.ConvertToGuest)));
        Assert.That(capped.Guards, Is.Not.Empty);
    }

    [Test]
    public void ARehire_BulkOnboardDeactivated_IsReEnabled_AnyoneElseDeactivatedIsLeftAlone()
    {
        var roster = Roster("E1,ours@x.example,member,standard", "E2,theirs@x.example,member,standard");
        var members = new[] { Member("ours@x.example", status: "disabled"), Member("theirs@x.example", status: "disabled") };

        var plan = Plan(roster, members: members, onboarded: ["member:ours@x.example", "member:theirs@x.example"], deactivatedByUs: ["ours@x.example"]);

        Assert.That(plan.Changes.Select(c => (c.Email, c.Action)), Is.EqualTo(new[] { ("ours@x.example", PlanAction.Reactivate), ("theirs@x.example", PlanAction.Unchanged) }));
        Assert.That(plan.Changes.Select(c => c.Action), Has.None.EqualTo(PlanAction.Invite), "a rehire is never invited again");
    }

    [Test]
    public void ANewEmail_TheNewIdentityFirst_TheOldWaitsUntilItIsActive_ThenGoesWithItsTasks()
    {
        var identities = new Dictionary<string, List<(PersonKind, string)>> { ["E1"] = [(PersonKind.Member, "old@x.example")] };
        var roster = Roster("E1,new@x.example,member,standard");

        var invited = Plan(roster, members: [Member("old@x.example")], onboarded: ["member:old@x.example"], identities: identities);
        var pending = Plan(roster, members: [Member("old@x.example"), Member("new@x.example", status: "invited")], onboarded: ["member:old@x.example", "member:new@x.example"], identities: identities);
        var active = Plan(roster, members: [Member("old@x.example"), Member("new@x.example")], onboarded: ["member:old@x.example", "member:new@x.example"], identities: identities);

        Assert.That(invited.Changes.Select(c => (c.Email, c.Action)), Is.EqualTo(new[] { ("new@x.example", PlanAction.Invite) }));
        Assert.That(invited.LeftAlone.Single(c => c.Email == "old@x.example").Detail, Does.Contain("waits until"), "the old identity is listed, left alone for now, with why");
        Assert.That(pending.Changes.Select(c => c.Email), Is.EqualTo(new[] { "new@x.example" }), "not while the new address is only invited");
        Assert.That(pending.LeftAlone.Single(c => c.Email == "old@x.example").Detail, Does.Contain("waits until"));
        Assert.That(active.Changes.Select(c => (c.Email, c.Action, c.Successor, c.SuccessorId)),
            Is.EqualTo(new[] { ("new@x.example", PlanAction.Unchanged, (string?)null, (string?)null), ("old@x.example", PlanAction.ChangeEmail, "new@x.example", "id-new@x.example") }));
        Assert.That(active.Leavers.Select(c => c.Action), Has.None.EqualTo(PlanAction.Deactivate), "the old identity is changed, never a plain leaver");
    }

    [Test]
    public void ANewEmail_AnOldAddressStillOnlyInvited_GoesOnceTheNewOneIsActive_NeverLeavingThePersonWithNone()
    {
        var identities = new Dictionary<string, List<(PersonKind, string)>> { ["E1"] = [(PersonKind.Member, "old@x.example")] };
        var roster = Roster("E1,new@x.example,member,standard");

        var waiting = Plan(roster, members: [Member("old@x.example", status: "invited")], onboarded: ["member:old@x.example"], identities: identities);
        var ready = Plan(roster, members: [Member("old@x.example", status: "invited"), Member("new@x.example")], onboarded: ["member:old@x.example", "member:new@x.example"],
            identities: identities);

        Assert.That(waiting.Changes.Select(c => (c.Email, c.Action)), Is.EqualTo(new[] { ("new@x.example", PlanAction.Invite) }));
        Assert.That(ready.Changes.Select(c => (c.Email, c.Action, c.SuccessorId)), Is.EqualTo(new[]
        {
            ("new@x.example", PlanAction.Unchanged, (string?)null), ("old@x.example", PlanAction.ChangeEmail, "id-new@x.example"),
        }));
    }

    [Test]
    public void AnEmployeeIdOnTwoEmailsOfOneRoster_ChangesNobody()
    {
        var identities = new Dictionary<string, List<(PersonKind, string)>> { ["N/A"] = [(PersonKind.Member, "old@x.example")] };

        var plan = Plan(Roster("N/A,a@x.example,member,standard", "N/A,b@x.example,member,standard"), members: [Member("old@x.example"), Member("a@x.example"), Member("b@x.example")],
            onboarded: ["member:old@x.example", "member:a@x.example", "member:b@x.example"], identities: identities);

        Assert.That(plan.Changes.Select(c => c.Action), Has.None.EqualTo(PlanAction.ChangeEmail));
        Assert.That(RosterPlanner.Identities(Roster("N/A,a@x.example,member,standard", "N/A,b@x.example,member,standard")), Is.Empty, "nor is it remembered");
    }

    [Test]
    public void EmailChanges_AreJudgedByTheLeaverPolicy_BeyondMaxLeaversTheyAreHeld()
    {
        var identities = Enumerable.Range(0, 4).ToDictionary(i => $"E{i}", i => new List<(PersonKind, string)> { (PersonKind.Member, $"old{i}@x.example") });
        var roster = Roster([.. Enumerable.Range(0, 4).Select(i => $"E{i},new{i}@x.example,member,standard")]);
        var members = Enumerable.Range(0, 4).SelectMany(i => new[] { Member($"old{i}@x.example"), Member($"new{i}@x.example") }).ToArray();
        var onboarded = Enumerable.Range(0, 4).SelectMany(i => new[] { $"member:old{i}@x.example", $"member:new{i}@x.example" }).ToArray();

        var plan = Plan(roster, members: members, onboarded: onboarded, identities: identities, options: Options(maxLeavers: 2));

        Assert.That(plan.Changes.Where(c => c.Row is null).Select(c => (c.Action, c.Intended)), Is.All.EqualTo((PlanAction.Hold, (PlanAction?)PlanAction.ChangeEmail)));
    }

    [Test]
    public void AContractorHiredUnderANewEmail_TheOldGuestGivesItsTasksToTheNewMember()
    {
        var identities = new Dictionary<string, List<(PersonKind, string)>> { ["E1"] = [(PersonKind.Guest, "ann@partner.example")] };

        var plan = Plan(Roster("E1,ann@x.example,member,standard"), members: [Member("ann@x.example")], guests: [Guest("ann@partner.example")],
            onboarded: ["guest:ann@partner.example", "member:ann@x.example"], identities: identities);

        Assert.That(plan.Changes.Select(c => (c.Email, c.Kind, c.Action, c.SuccessorId)), Is.EqualTo(new[]
        {
            ("ann@x.example", PersonKind.Member, PlanAction.Unchanged, (string?)null), ("ann@partner.example", PersonKind.Guest, PlanAction.ChangeEmail, "id-ann@x.example"),
        }));
    }

    private SyncPlan Plan(List<ValidatedRow> roster, ListedPerson[]? members = null, ListedPerson[]? guests = null, string[]? onboarded = null,
        string[]? deactivatedByUs = null, Dictionary<string, List<(PersonKind, string)>>? identities = null, SyncOptions? options = null)
    {
        static (PersonKind, string) Key(string who) => (who.StartsWith("guest:", StringComparison.Ordinal) ? PersonKind.Guest : PersonKind.Member, who[(who.IndexOf(':') + 1)..]);
        var history = new SyncHistory((onboarded ?? []).Select(Key).ToHashSet(), null, new Dictionary<(PersonKind, string), Absence>())
        {
            Now = Now,
            RosterSha256 = "this-roster",
            DeactivatedByUs = (deactivatedByUs ?? []).ToHashSet(),
            Identities = identities ?? [],
        };
        return RosterPlanner.Plan(roster, new TallyfyPeople(members ?? [], guests ?? []), history, options ?? Options());
    }

    private List<ValidatedRow> Roster(params string[] lines)
    {
        var csv = new StringBuilder("Employee ID,Email,Type,Role,First Name,Last Name\n");
        foreach (var line in lines)
        {
            csv.Append(line).Append(",First,Last\n");
        }

        using var table = InputTable.Open(_files.Write($"roster-{Guid.NewGuid():N}.csv", csv.ToString()), new HeaderMatcher(), null, CancellationToken.None);
        var validator = new RowValidator(table.Columns, new ImportDefaults(null, "standard", "Welcome"));
        return [.. table.DataRows().Select(validator.Validate)];
    }

    private static ListedPerson Member(string email, string role = "standard", string status = "active") => new(email, $"id-{email}", "First", "Last", role, status, false, null);

    private static ListedPerson Guest(string email) => new(email, $"id-{email}", null, null, null, null, false, null);
}
