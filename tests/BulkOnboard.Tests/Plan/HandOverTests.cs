using BulkOnboard.Plan;

namespace BulkOnboard.Tests.Plan;

/// <summary>The one hand-over rule: who takes over a leaver's open tasks, and when a leaver is held for want of anyone.</summary>
public class HandOverTests
{
    private static ListedPerson Member(string id, string email, string status = "active") => new(email, id, null, null, "standard", status, false, null);

    private static readonly ListedPerson[] Members =
    [
        Member("1", "ann@x.example"), Member("2", "bob@x.example"), Member("3", "cy@x.example"), Member("4", "dee@x.example"),
        Member("5", "gone@x.example", "disabled"), Member("9", "it@x.example"),
    ];

    private static HandOver Rule(Dictionary<string, string> managers, string[] leaving, string? reassignTo = null) => new(managers, Members, leaving, reassignTo);

    [Test]
    public void TheManagerTakesOver()
    {
        var verdict = Rule(new() { ["ann@x.example"] = "bob@x.example" }, ["ann@x.example"]).Judge("Ann@X.example", 7);

        Assert.That((verdict.Successor?.Email, verdict.Successor?.Id, verdict.Successor?.Via, verdict.Guard), Is.EqualTo(("bob@x.example", "2", "manager", (string?)null)));
        Assert.That(verdict.Describe(), Is.EqualTo("7 open tasks go to bob@x.example (manager)"));
        Assert.That(HandOverVerdict.SuccessorIn("leaver: deactivate; " + verdict.Describe()), Is.EqualTo("bob@x.example"), "undo reads the successor back from the line");
    }

    [Test]
    public void AChainOfLeavingOrDeactivatedManagers_IsClimbed_ToTheFirstWhoStays()
    {
        var managers = new Dictionary<string, string> { ["ann@x.example"] = "bob@x.example", ["bob@x.example"] = "gone@x.example", ["gone@x.example"] = "cy@x.example", ["cy@x.example"] = "dee@x.example" };

        var verdict = Rule(managers, ["ann@x.example", "bob@x.example", "cy@x.example"]).Judge("ann@x.example", 3);

        Assert.That(verdict.Successor?.Email, Is.EqualTo("dee@x.example"));
        Assert.That(verdict.Successor?.Via, Does.StartWith("manager's manager").And.Contain("bob@x.example, gone@x.example, cy@x.example"));
    }

    [Test]
    public void ACycleOfLeavingManagers_IsRefused_ThenSyncReassignToTakesOver_OrTheLeaverIsHeld()
    {
        var managers = new Dictionary<string, string> { ["ann@x.example"] = "bob@x.example", ["bob@x.example"] = "ann@x.example" };

        var held = Rule(managers, ["ann@x.example", "bob@x.example"]).Judge("ann@x.example", 4);
        Assert.That(held.Successor, Is.Null);
        Assert.That(held.Guard, Is.EqualTo("no one to take over 4 open tasks (the managers form a cycle: ann@x.example -> bob@x.example -> ann@x.example)"));

        var reassigned = Rule(managers, ["ann@x.example", "bob@x.example"], reassignTo: "9").Judge("ann@x.example", 4);
        Assert.That((reassigned.Successor?.Email, reassigned.Successor?.Via, reassigned.Guard), Is.EqualTo(("it@x.example", "Sync:ReassignTo", (string?)null)));
    }

    [Test]
    public void AnInvitedOrBotManager_IsPassed_UpTheChain_ThenSyncReassignTo_ThenHeld()
    {
        ListedPerson[] members =
        [
            Member("1", "ann@x.example"), Member("2", "new@x.example", "invited"), Member("3", "bot@x.example") with { IsBot = true }, Member("4", "dee@x.example"),
            Member("8", "fresh@x.example", "invited"), Member("9", "it@x.example"),
        ];
        var managers = new Dictionary<string, string> { ["ann@x.example"] = "new@x.example", ["new@x.example"] = "bot@x.example", ["bot@x.example"] = "dee@x.example" };

        var climbed = new HandOver(managers, members, ["ann@x.example"], null).Judge("ann@x.example", 3);
        Assert.That(climbed.Successor?.Email, Is.EqualTo("dee@x.example"));
        Assert.That(climbed.Successor?.Via, Does.StartWith("manager's manager").And.Contain("new@x.example, bot@x.example"));

        var onlyInvitedAndBot = new Dictionary<string, string> { ["ann@x.example"] = "new@x.example", ["new@x.example"] = "bot@x.example" };
        var reassigned = new HandOver(onlyInvitedAndBot, members, ["ann@x.example"], "it@x.example").Judge("ann@x.example", 3);
        Assert.That((reassigned.Successor?.Email, reassigned.Successor?.Via), Is.EqualTo(("it@x.example", "Sync:ReassignTo")));

        var held = new HandOver(onlyInvitedAndBot, members, ["ann@x.example"], "fresh@x.example").Judge("ann@x.example", 3);
        Assert.That((held.Successor, held.Guard), Is.EqualTo(((Successor?)null,
            "no one to take over 3 open tasks (no manager who stays, and Sync:ReassignTo (fresh@x.example) is not an active member who stays)")));
    }

    [Test]
    public void TheListingsIsBot_IsRead()
    {
        Assert.That(BulkOnboard.Delivery.ListingPage.ReadOne("""{"data":{"id":3,"email":"bot@x.example","status":"active","is_bot":true}}""")?.IsBot, Is.True);
        Assert.That(BulkOnboard.Delivery.ListingPage.ReadOne("""{"data":{"id":4,"email":"dee@x.example","status":"active"}}""")?.IsBot, Is.False);
    }

    [Test]
    public void NoManager_SyncReassignTo_ByEmail()
    {
        var verdict = Rule([], ["ann@x.example"], reassignTo: "IT@x.example").Judge("ann@x.example", 2);

        Assert.That((verdict.Successor?.Email, verdict.Successor?.Id), Is.EqualTo(("it@x.example", "9")));
    }

    [TestCase(12, "no one to take over 12 open tasks (no manager who stays, and Sync:ReassignTo is not set)")]
    [TestCase(0, null)]
    public void NoOneToTakeOver_HoldsALeaverWithOpenTasks_NotOneWithout(int open, string? guard)
    {
        var verdict = Rule(new() { ["ann@x.example"] = "nobody@x.example" }, ["ann@x.example"]).Judge("ann@x.example", open);

        Assert.That((verdict.Successor, verdict.Guard), Is.EqualTo(((Successor?)null, guard)));
    }

    [Test]
    public void OpenTasksThatCouldNotBeRead_AndNoSuccessor_Hold()
    {
        var verdict = Rule([], ["ann@x.example"]).Judge("ann@x.example", null, "HTTP 500");

        Assert.That(verdict.Guard, Does.StartWith("no one to take over their open tasks, which could not be read (HTTP 500"));
    }

    [Test]
    public void ALeaverNeverTakesOver_NorTheirself()
    {
        var verdict = Rule(new() { ["ann@x.example"] = "ann@x.example" }, ["ann@x.example"]).Judge("ann@x.example", 1);

        Assert.That(verdict.Successor, Is.Null);
        Assert.That(verdict.Guard, Does.Contain("cycle"));
    }
}
