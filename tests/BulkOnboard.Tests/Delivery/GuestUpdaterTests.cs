using System.Net;
using BulkOnboard.Reporting;
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
    public async Task Update_ReadAnswered201AsDocumented_DifferentCompany_SendsThePut()
    {
        using var harness = new DeliveryHarness(updateExisting: true);
        harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        harness.Http.Expect(HttpMethod.Get, GuestUrl).Respond(HttpStatusCode.Created, "application/json",
            """{"data":{"id":4523,"email":"g@x.example","first_name":"Gus","details":{"company_name":"Old Co"}}}""");
        harness.Http.Expect(HttpMethod.Put, GuestUrl).Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":4523}}""");

        var result = await harness.SendAsync(DeliveryHarness.Guest());

        harness.Http.VerifyNoOutstandingExpectation();
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Updated));
        Assert.That(result.Message, Does.Contain("company_name").And.Not.Contain("first_name"));
    }
}
