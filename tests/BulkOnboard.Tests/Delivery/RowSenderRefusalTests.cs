using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Text.Json;
using BulkOnboard.Delivery;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using BulkOnboard.Tests.Support;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Delivery;

/// <summary>How the sender takes Tallyfy's refusals: one row's (422, 403), a kind's (seats, SSO), the run's (401, a wrong base URL or organization, the plan limit).</summary>
public class RowSenderRefusalTests
{
    private DeliveryHarness _harness = null!;

    [SetUp]
    public void SetUp() => _harness = new DeliveryHarness();

    [TearDown]
    public void TearDown() => _harness.Dispose();

    [Test]
    public async Task SendAsync_FieldRejected_FailsAtOnceWithTheApisMessage()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json",
            """{"message":"The given data was invalid.","errors":{"phone_1":["The phone 1 may not be greater than 20 characters."]}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.Attempts), Is.EqualTo((Outcome.Failed, 1)));
        Assert.That(result.Message, Is.EqualTo("HTTP 422: phone_1: The phone 1 may not be greater than 20 characters."));
    }

    [TestCase(HttpStatusCode.Unauthorized)]
    public async Task SendAsync_AuthFailure_IsNotAttemptedAndStopsTheRunWithoutRetrying(HttpStatusCode status)
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(status, "application/json", """{"message":"Unauthenticated."}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.StopsRun, result.Attempts), Is.EqualTo((Outcome.NotAttempted, true, 1)));
        Assert.That(result.Message, Does.Not.Contain(DeliveryHarness.Token));
    }

    [Test]
    public async Task SendAsync_403ForOneRow_FailsThatRowWithTallyfysMessage_AndTheRunGoesOn()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":1}}""");
        _harness.Http.Expect(DeliveryHarness.InviteUrl).Respond(HttpStatusCode.Forbidden, "application/json", """{"message":"Only administrators can invite admins."}""");

        await _harness.SendAsync(DeliveryHarness.Guest());
        var result = await _harness.SendAsync(DeliveryHarness.Member());

        Assert.That((result.Outcome, result.StopsRun, result.HttpStatus), Is.EqualTo((Outcome.Failed, false, (int?)403)));
        Assert.That(result.Message, Does.Contain("Only administrators can invite admins."));
    }

    [Test]
    public async Task SendAsync_403ForEveryRequestFromTheStart_StopsTheRunAfterAFew()
    {
        _harness.Http.When(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Forbidden, "application/json", """{"message":"This action is unauthorized."}""");

        var results = new List<DeliveryResult>();
        for (var i = 0; i < RowSender.ForbiddenBeforeStop; i++)
        {
            results.Add(await _harness.SendAsync(DeliveryHarness.Guest($"g{i}@x.example")));
        }

        Assert.That(results.Take(RowSender.ForbiddenBeforeStop - 1).Select(r => (r.Outcome, r.StopsRun)), Is.All.EqualTo((Outcome.Failed, false)));
        Assert.That((results[^1].Outcome, results[^1].StopsRun), Is.EqualTo((Outcome.NotAttempted, true)));
        Assert.That(results[^1].Message, Does.Contain("lacks the permission"));
    }

    [Test]
    public async Task SendAsync_SeatPoolExhausted_EndsMemberInvitesOnly_GuestsGoOn()
    {
        _harness.Http.Expect(DeliveryHarness.InviteUrl).Respond((HttpStatusCode)409, "application/json", """{"error":{"code":"SEAT_POOL_EXHAUSTED","details":{"pool_type":"full"}}}""");
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":2}}""");

        var refused = await _harness.SendAsync(DeliveryHarness.Member("a@x.example"));
        var nextMember = await _harness.SendAsync(DeliveryHarness.Member("b@x.example"));
        var guest = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((refused.Outcome, refused.StopsRun), Is.EqualTo((Outcome.NotAttempted, false)));
        Assert.That((nextMember.Outcome, nextMember.Attempts), Is.EqualTo((Outcome.NotAttempted, 0)), "no invite is sent once the seats are gone");
        Assert.That(nextMember.Message, Does.Contain("no seats left"));
        Assert.That(guest.Outcome, Is.EqualTo(Outcome.Created));
        _harness.Http.VerifyNoOutstandingExpectation();
    }

    [Test]
    public async Task SendAsync_LightSeatPoolExhausted_StopsLightInvitesOnly()
    {
        _harness.Http.Expect(DeliveryHarness.InviteUrl).Respond((HttpStatusCode)409, "application/json", """{"error":{"code":"SEAT_POOL_EXHAUSTED","details":{"pool_type":"light"}}}""");
        _harness.Http.Expect(DeliveryHarness.InviteUrl).Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":7,"status":"invited"}}""");

        var refused = await _harness.SendAsync(DeliveryHarness.Member("a@x.example") with { Role = "light" });
        var nextLight = await _harness.SendAsync(DeliveryHarness.Member("b@x.example") with { Role = "light" });
        var standard = await _harness.SendAsync(DeliveryHarness.Member("c@x.example"));

        Assert.That(refused.Message, Does.Contain("light invites stop"));
        Assert.That((nextLight.Outcome, nextLight.Attempts), Is.EqualTo((Outcome.NotAttempted, 0)));
        Assert.That(standard.Outcome, Is.EqualTo(Outcome.Invited), "the full pool is not the light one");
        _harness.Http.VerifyNoOutstandingExpectation();
    }

    [Test]
    public async Task SendAsync_SsoRequired_StopsMemberInvites_GuestsGoOn()
    {
        _harness.Http.Expect(DeliveryHarness.InviteUrl).Respond(HttpStatusCode.Forbidden, "application/json", """{"error":true,"message":"Require SSO is on: manual member invites are blocked."}""");
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":2}}""");

        var refused = await _harness.SendAsync(DeliveryHarness.Member("a@x.example"));
        var next = await _harness.SendAsync(DeliveryHarness.Member("b@x.example") with { Role = "light" });
        var guest = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((refused.Outcome, refused.StopsRun), Is.EqualTo((Outcome.NotAttempted, false)));
        Assert.That((next.Outcome, next.Attempts), Is.EqualTo((Outcome.NotAttempted, 0)));
        Assert.That(next.Message, Does.Contain("SSO"));
        Assert.That(guest.Outcome, Is.EqualTo(Outcome.Created));
    }

    [TestCase(404, """{"error":true,"message":"API endpoint not found","code":"ENDPOINT_NOT_FOUND"}""", "check Tallyfy:BaseUrl")]
    [TestCase(403, """{"error":true,"message":"You don't have application's permissions for this organization!"}""", "the token belongs to another organization")]
    public async Task SendAsync_RunPointedAtTheWrongPlace_StopsTheRun_WithoutFailingTheRow(int status, string body, string cause)
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)status, "application/json", body);

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.StopsRun, result.Attempts), Is.EqualTo((Outcome.NotAttempted, true, 1)));
        Assert.That(result.Message, Does.Contain(cause));
    }

    [Test]
    public async Task UpdateProfile_MemberOfOtherOrganizations_IsNotUpdatable_NotFailed()
    {
        _harness.Http.Expect(HttpMethod.Put, DeliveryHarness.UsersUrl + "/1005").Respond(HttpStatusCode.Forbidden, "application/json",
            """{"error":true,"message":"This member belongs to other organizations too: only they can update their own profile."}""");

        var result = await _harness.Sender.UpdateProfileAsync("1005", "Ann", "Lee", "Europe/London", CancellationToken.None, CancellationToken.None);

        Assert.That((result.Outcome, result.Reason, result.StopsRun), Is.EqualTo((Outcome.Skipped, Outcomes.NotUpdatable, false)));
        Assert.That(result.Message, Does.Contain("other organizations"));
    }

    [Test]
    public async Task SendAsync_PlanLimit_IsNotAttemptedAndStopsTheRun()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.PaymentRequired, "application/json", """{"message":"Upgrade your plan to add more guests."}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.StopsRun, result.Attempts), Is.EqualTo((Outcome.NotAttempted, true, 1)));
        Assert.That(result.Message, Does.Contain("402").And.Contain("Upgrade your plan"));
    }

    [Test]
    public async Task SendAsync_ErrorBodyEchoingTheToken_IsScrubbed()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.BadRequest, "application/json",
            $$"""{"message":"Bad request with header Bearer {{DeliveryHarness.Token}}"}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That(result.Message, Does.Not.Contain(DeliveryHarness.Token).And.Contain("***"));
    }
}
