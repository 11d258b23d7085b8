using BulkOnboard.Input;
using BulkOnboard.Plan;

namespace BulkOnboard.Tests.Plan;

/// <summary>What an approval task asks, and what an approval lets go (PRODUCT.md, "Approvals inside Tallyfy").</summary>
public class ApprovalRequestTests
{
    private static PlannedChange Held(string email, PlanAction intent, PersonKind kind = PersonKind.Member) =>
        new(null, kind, email, PlanAction.Hold, "held: 3 leavers are more than Sync:MaxLeavers (2) allows in 24 hours", Intended: intent);

    [Test]
    public void TheExclusions_AreOneEmailALine_WhateverTheCaseOrSpacing_AndNothingElse()
    {
        var excluded = ApprovalRequest.Exclusions(" Ann@X.example \r\nbob@x.example;carl@x.example, not an email\n\n");

        Assert.That(excluded, Is.EquivalentTo(new[] { "ann@x.example", "bob@x.example", "carl@x.example" }));
        Assert.That(ApprovalRequest.Exclusions(null), Is.Empty);
    }

    [Test]
    public void AnApproval_LetsGoExactlyTheHeldItems_MinusTheExcluded()
    {
        var plan = new[]
        {
            Held("ann@x.example", PlanAction.Deactivate), Held("bob@x.example", PlanAction.Deactivate), Held("g@x.example", PlanAction.Remove, PersonKind.Guest),
            new PlannedChange(null, PersonKind.Member, "cy@x.example", PlanAction.Deactivate, "leaver"),
            new PlannedChange(3, PersonKind.Member, "dee@x.example", PlanAction.Invite, "joiner"),
        };

        var held = ApprovalRequest.Held(plan);
        var approved = ApprovalRequest.Approved(held, ApprovalRequest.Exclusions("BOB@x.example"));

        Assert.That(held.Select(c => c.Email), Is.EqualTo(new[] { "ann@x.example", "bob@x.example", "g@x.example" }), "only what is held is asked");
        Assert.That(approved, Is.EquivalentTo(new[] { plan[0].Key, plan[2].Key }));
    }

    [Test]
    public void TheTitle_CountsTheHeldItemsByAction_AndTheSummaryListsThemWithBothHashes()
    {
        var held = new[] { Held("a@x.example", PlanAction.Deactivate), Held("b@x.example", PlanAction.Deactivate), Held("c@x.example", PlanAction.ConvertToGuest) };

        var title = ApprovalRequest.Title(held, "/data/roster.csv");
        var summary = ApprovalRequest.Summary(held, "PLANSHA", "ROSTERSHA", "/out/roster.plan.json", 7);

        Assert.That(title, Is.EqualTo("BulkOnboard: approve 3 held changes (2 deactivate, 1 convert_to_guest) from roster.csv"));
        Assert.That(summary, Does.Contain("- deactivate member a@x.example").And.Contain("- convert_to_guest member c@x.example").And.Contain("PLANSHA").And.Contain("ROSTERSHA"));
    }
}
