using System.Net;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using BulkOnboard.Tests.Support;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Delivery;

/// <summary>
/// The client against answers in the shapes of Tallyfy's own API pages (tallyfy/documentation,
/// open-api/code-samples: list-guests, list-members, invite-member; written here by hand from those
/// shapes, values made up): nested objects, nulls, extra fields, integer ids.
/// </summary>
public class TallyfyShapesTests
{
    private const string Guests = DeliveryHarness.GuestsUrl;
    private const string Users = DeliveryHarness.UsersUrl;

    [Test]
    public async Task ListExisting_DocumentedListingShapes_FindsEveryEmail()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(Guests).Respond("application/json", """
            {"data":[{"id":1234,"email":"Guest.User@External.example","last_accessed_at":null,"details":{"status":"active","phone_1":null,
              "company_name":"External Inc.","associated_members":null,"disabled_at":null},"first_name":"External","last_name":"Collaborator",
              "created_at":"2025-01-10T08:30:00Z","deleted_at":null,"link":"https://go.tallyfy.example/x","stats":{"assigned_tasks":2}}],
             "meta":{"pagination":{"total":1,"count":1,"per_page":999,"current_page":1,"total_pages":1}}}
            """);
        harness.Http.When(Users).Respond("application/json", """
            {"data":[{"id":1001,"email":"alice@example.com","username":"alice","first_name":"Alice","is_active":true,"role":"Admin","status":"active",
              "is_default_admin":false,"groups":{"data":[{"id":"g1","name":"Sales","members":[1001,1002],"guests":[]}]}},
              {"id":1002,"email":"bob@example.com","status":"disabled","role":"standard"}],
             "meta":{"pagination":{"total":2,"count":2,"per_page":9999,"current_page":1,"total_pages":1}}}
            """);

        var existing = await harness.Sender.ListExistingAsync(ListingBudget.Everything, CancellationToken.None);

        Assert.That((existing.Guests.Count, existing.Members.Count, existing.Requests), Is.EqualTo((1, 2, 2)));
        Assert.That(existing.Contains(PersonKind.Guest, "guest.user@external.example"), Is.True);
        Assert.That(existing.Contains(PersonKind.Member, "bob@example.com"), Is.True, "disabled members are listed too");
    }

    [Test]
    public async Task Invite_DocumentedAnswer_IsInvitedWithTheIntegerId()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(DeliveryHarness.InviteUrl).Respond(HttpStatusCode.OK, "application/json", """
            {"data":{"id":1005,"email":"m@x.example","username":null,"first_name":"Mo","last_name":"Ray","full_name":"Mo Ray","is_active":false,
              "created_at":"2025-01-15T10:00:00Z","timezone":"America/New_York","status":"invited","role":"standard","invited_by":501}}
            """);

        var result = await harness.SendAsync(DeliveryHarness.Member());

        Assert.That((result.Outcome, result.TallyfyId, result.Message), Is.EqualTo((Outcome.Invited, "1005", (string?)null)));
    }
}
