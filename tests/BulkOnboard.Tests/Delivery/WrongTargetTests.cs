using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using BulkOnboard.Delivery;
using BulkOnboard.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using Outcome = BulkOnboard.Validation.Outcome;

namespace BulkOnboard.Tests.Delivery;

/// <summary>
/// A run pointed at the wrong place stops at its first request, naming the setting; once a request has
/// succeeded, the same failures are an outage, waited out as ever.
/// </summary>
public class WrongTargetTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [TestCase("refused", "connection refused")]
    [TestCase("dns", "no such host")]
    [TestCase("tls", "TLS handshake failed")]
    public async Task SendAsync_UnreachableBeforeAnySuccess_StopsTheRunAtOnce_NamingBaseUrl_WithoutFailingTheRow(string failure, string cause)
    {
        // The clock never moves: any wait (a retry's backoff, a break, Delivery:GiveUpAfter) would hang here.
        var time = new FakeTimeProvider(Start);
        using var harness = OnFakeClock(time);
        harness.Http.When(DeliveryHarness.GuestsUrl).Throw(Unreachable(failure));

        var result = await harness.SendAsync(DeliveryHarness.Guest()).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That((result.Outcome, result.StopsRun, result.Attempts, result.MaybeApplied), Is.EqualTo((Outcome.NotAttempted, true, 1, false)));
        Assert.That(result.Message, Does.Contain(cause).And.Contain("check Tallyfy:BaseUrl, its host and port"));
        Assert.That(harness.Stats.Requests, Is.EqualTo(1), "not retried");
        Assert.That(time.GetUtcNow(), Is.EqualTo(Start));
    }

    [Test]
    public async Task SendAsync_OrganizationNotFound_StopsTheRunAtOnce_NamingOrganizationId()
    {
        var time = new FakeTimeProvider(Start);
        using var harness = OnFakeClock(time);
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.NotFound, "application/json",
            """{"error":true,"message":"Organization not found.","code":"RESOURCE_NOT_FOUND"}""");

        var result = await harness.SendAsync(DeliveryHarness.Guest()).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That((result.Outcome, result.StopsRun, result.Attempts), Is.EqualTo((Outcome.NotAttempted, true, 1)));
        Assert.That(result.Message, Does.Contain("check Tallyfy:OrganizationId").And.Contain("Organization not found."));
    }

    [TestCase("")]
    [TestCase("Not Found")]
    [TestCase("<html><body><h1>404 Not Found</h1></body></html>")]
    public async Task SendAsync_A404ThatIsNotTallyfysBeforeAnySuccess_StopsTheRunAtOnce_NamingBaseUrl(string body)
    {
        var time = new FakeTimeProvider(Start);
        using var harness = OnFakeClock(time);
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.NotFound, "text/html", body);

        var result = await harness.SendAsync(DeliveryHarness.Guest()).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That((result.Outcome, result.StopsRun), Is.EqualTo((Outcome.NotAttempted, true)));
        Assert.That(result.Message, Does.Contain("not Tallyfy's answer").And.Contain("check Tallyfy:BaseUrl").And.Not.Contain("<html>"));
    }

    [Test]
    public async Task SendAsync_AfterASuccess_ARefusedConnectionIsAnOutage_RiddenOut()
    {
        using var harness = new DeliveryHarness();
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(_ => DeliveryHarness.Created());
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Throw(Unreachable("refused"));
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Throw(Unreachable("refused"));
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(_ => DeliveryHarness.Created());

        var first = await harness.SendAsync(DeliveryHarness.Guest("a@x.example"));
        var second = await harness.SendAsync(DeliveryHarness.Guest("b@x.example"));

        Assert.That((first.Outcome, second.Outcome, second.StopsRun, second.Attempts), Is.EqualTo((Outcome.Created, Outcome.Created, false, 3)));
    }

    [Test]
    public async Task SendAsync_AfterASuccess_RefusedUntilGiveUpAfter_StopsForTheOutage_NotAsAWrongTarget()
    {
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o =>
        {
            o.MaxAttempts = 100;
            o.GiveUpAfter = TimeSpan.FromMilliseconds(300);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
        }));
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(_ => DeliveryHarness.Created());
        harness.Http.When(DeliveryHarness.GuestsUrl).Throw(Unreachable("refused"));

        await harness.SendAsync(DeliveryHarness.Guest("a@x.example"));
        var result = await harness.SendAsync(DeliveryHarness.Guest("b@x.example")).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That((result.Outcome, result.StopsRun), Is.EqualTo((Outcome.NotAttempted, true)));
        Assert.That(result.Message, Does.Contain("Delivery:GiveUpAfter").And.Not.Contain("check Tallyfy:BaseUrl"));
        Assert.That(harness.Stats.Requests, Is.GreaterThan(2), "waited and tried again");
    }

    [Test]
    public async Task SendAsync_AfterASuccess_A404ThatIsNotTallyfys_FailsThatRowOnly()
    {
        using var harness = new DeliveryHarness();
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(_ => DeliveryHarness.Created());
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.NotFound);

        await harness.SendAsync(DeliveryHarness.Guest("a@x.example"));
        var result = await harness.SendAsync(DeliveryHarness.Guest("b@x.example"));

        Assert.That((result.Outcome, result.StopsRun), Is.EqualTo((Outcome.Failed, false)));
    }

    [Test]
    public async Task ReadGuest_OrganizationNotFound_IsNeverTakenForTheGuestGone()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(DeliveryHarness.GuestsUrl + "/g%40x.example").Respond(HttpStatusCode.NotFound, "application/json",
            """{"error":true,"message":"Organization not found.","code":"RESOURCE_NOT_FOUND"}""");

        var (present, failure) = await harness.Sender.ReadGuestPresenceAsync("g@x.example", CancellationToken.None, CancellationToken.None);

        Assert.That(present, Is.Null);
        Assert.That(failure, Does.Contain("Tallyfy:OrganizationId"));
    }

    [Test]
    public async Task ReadMember_TallyfysOwn404ForSomeoneGone_IsGone_BeforeAndAfterASuccess()
    {
        using var harness = new DeliveryHarness();
        harness.Http.Expect(DeliveryHarness.UsersUrl + "/7").Respond(HttpStatusCode.NotFound, "application/json", """{"error":true,"message":"Resource not found","code":"RESOURCE_NOT_FOUND"}""");
        harness.Http.Expect(DeliveryHarness.UsersUrl + "/8").Respond("application/json", """{"data":{"id":8,"email":"m8@x.example","status":"active"}}""");
        harness.Http.Expect(DeliveryHarness.UsersUrl + "/9").Respond(HttpStatusCode.NotFound, "application/json", """{"message":"Member not found."}""");

        var before = await harness.Sender.ReadMemberAsync("7", CancellationToken.None, CancellationToken.None);
        await harness.Sender.ReadMemberAsync("8", CancellationToken.None, CancellationToken.None);
        var after = await harness.Sender.ReadMemberAsync("9", CancellationToken.None, CancellationToken.None);

        Assert.That((before.Gone, after.Gone), Is.EqualTo((true, true)));
        Assert.That(harness.Gate.TargetProven, Is.True);
    }

    /// <summary>A connection that no wait mends: nothing listens, no such host, an untrusted certificate.</summary>
    internal static HttpRequestException Unreachable(string failure) => failure switch
    {
        "refused" => new(HttpRequestError.ConnectionError, "Connection refused (tallyfy.test:443)", new SocketException((int)SocketError.ConnectionRefused)),
        "dns" => new(HttpRequestError.NameResolutionError, "Name or service not known (tallyfy.test:443)", new SocketException((int)SocketError.HostNotFound)),
        _ => new(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.", new AuthenticationException("The remote certificate is invalid")),
    };

    /// <summary>The defaults that matter: 10 minutes before giving up, 30 s breaks, 1 s backoff; time moves only when the test says.</summary>
    private static DeliveryHarness OnFakeClock(FakeTimeProvider time) =>
        new(DeliveryHarness.Fast(o =>
        {
            o.MaxAttempts = 5;
            o.RetryBaseDelay = TimeSpan.FromSeconds(1);
            o.BreakDuration = TimeSpan.FromSeconds(30);
            o.GiveUpAfter = TimeSpan.FromMinutes(10);
        }), time);
}
