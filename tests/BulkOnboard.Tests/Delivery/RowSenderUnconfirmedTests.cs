using System.Net;
using BulkOnboard.Delivery;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Delivery;

/// <summary>
/// A create or invite answered 2xx with what is not Tallyfy's answer (an error flag, a sign-in page, nothing):
/// never <c>created</c> on faith; retried, then settled by reading the guest back; recorded as BulkOnboard's
/// only when Tallyfy shows it.
/// </summary>
public class RowSenderUnconfirmedTests
{
    private const string ErrorJson = """{"error":true,"message":"Internal failure, nothing was saved"}""";
    private const string GuestUrl = DeliveryHarness.GuestsUrl + "/g%40x.example";

    private DeliveryHarness _harness = null!;

    [SetUp]
    public void SetUp() => _harness = new DeliveryHarness(DeliveryHarness.Fast(o => o.MaxAttempts = 2));

    [TearDown]
    public void TearDown() => _harness.Dispose();

    [Test]
    public async Task SendAsync_ErrorJsonThenTheRecord_IsCreatedByTheRetry()
    {
        _harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.OK, "application/json", ErrorJson);
        _harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":77,"created_at":"2099-01-01 00:00:00"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        _harness.Http.VerifyNoOutstandingExpectation();
        Assert.That((result.Outcome, result.TallyfyId, result.Attempts, result.Onboarded), Is.EqualTo((Outcome.Created, "77", 2, true)));
    }

    [Test]
    public async Task SendAsync_ErrorJsonOnEveryAttempt_ReadBackAbsent_FailsNotCreated_ForARerunToSend()
    {
        _harness.Http.When(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.OK, "application/json", ErrorJson);
        _harness.Http.When(HttpMethod.Get, GuestUrl).Respond(HttpStatusCode.NotFound, "application/json", """{"message":"Guest not found."}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.MaybeApplied, result.Onboarded, result.TallyfyId), Is.EqualTo((Outcome.Failed, false, false, (string?)null)));
        Assert.That(result.Message, Does.Contain("Internal failure, nothing was saved").And.Contain("read back, Tallyfy does not hold the guest: nothing was created"));
    }

    [Test]
    public async Task SendAsync_EmptyCreatedOnEveryAttempt_ReadBackCreatedSinceTheFirst_IsCreated_AndOnboarded()
    {
        _harness.Http.When(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created);
        _harness.Http.When(HttpMethod.Get, GuestUrl).Respond(HttpStatusCode.Created, "application/json",
            $$$"""{"data":{"id":"g9","email":"g@x.example","created_at":"{{{DateTimeOffset.UtcNow:O}}}"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.TallyfyId, result.Onboarded), Is.EqualTo((Outcome.Created, "g9", true)), result.Message);
        Assert.That(result.Message, Does.Contain("an empty body").And.Contain("read back, Tallyfy holds the guest"));
    }

    [Test]
    public async Task SendAsync_ASignInPageForEverything_ReadBackUnreadable_FailsMaybeApplied_NeverCreated()
    {
        const string SignIn = "<!DOCTYPE html><html><body><form action=\"/sso/login\"></form></body></html>";
        _harness.Http.When(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "text/html", SignIn);
        _harness.Http.When(HttpMethod.Get, GuestUrl).Respond(HttpStatusCode.OK, "text/html", SignIn);

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.MaybeApplied, result.Onboarded), Is.EqualTo((Outcome.Failed, true, false)));
        Assert.That(result.Message, Does.Contain("an HTML page").And.Contain("could not be read back"));
    }

    [Test]
    public async Task SendAsync_MemberErrorJsonOnEveryAttempt_FailsMaybeApplied_NotInvited()
    {
        _harness.Http.When(HttpMethod.Post, DeliveryHarness.InviteUrl).Respond(HttpStatusCode.OK, "application/json", ErrorJson);

        var result = await _harness.SendAsync(DeliveryHarness.Member());

        Assert.That((result.Outcome, result.MaybeApplied, result.Onboarded, result.Attempts), Is.EqualTo((Outcome.Failed, true, false, 2)));
        Assert.That(result.Message, Does.Contain("not counted as invited"));
    }
}
