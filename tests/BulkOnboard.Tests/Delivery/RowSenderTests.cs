using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Text.Json;
using BulkOnboard.Delivery;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Delivery;

public class RowSenderTests
{
    private DeliveryHarness _harness = null!;

    [SetUp]
    public void SetUp() => _harness = new DeliveryHarness();

    [TearDown]
    public void TearDown() => _harness.Dispose();

    [Test]
    public async Task SendAsync_Guest_PostsJsonWithTheThreeRequiredHeadersAndNoNulls()
    {
        string? body = null;
        _harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl)
            .WithHeaders("Authorization", $"Bearer {DeliveryHarness.Token}")
            .WithHeaders("Accept", "application/json")
            .WithHeaders("X-Tallyfy-Client", "APIClient")
            .With(request =>
            {
                body = request.Content!.ReadAsStringAsync().Result;
                return request.Content.Headers.ContentType?.MediaType == "application/json";
            })
            .Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":"gst42"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        _harness.Http.VerifyNoOutstandingExpectation();
        Assert.That((result.Outcome, result.TallyfyId, result.Attempts), Is.EqualTo((Outcome.Created, "gst42", 1)));
        using var json = JsonDocument.Parse(body!);
        Assert.That(json.RootElement.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "email", "first_name", "company_name" }));
    }

    [Test]
    public async Task SendAsync_GuestTallyfyKnewGlobally_IsCreatedForScripts_WithALinkedMessage()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json",
            """{"data":{"id":4523,"email":"g@x.example","created_at":"2025-01-15 10:30:00","details":{}}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.TallyfyId), Is.EqualTo((Outcome.Created, "4523")));
        Assert.That(result.Message, Does.Contain("linked").And.Contain("2025-01-15 10:30:00Z"));
        Assert.That((result.Linked, result.Onboarded), Is.EqualTo((true, false)), "a linked guest is never BulkOnboard's to remove");
    }

    [Test]
    public async Task SendAsync_Member_PostsToInviteAndIsInvited()
    {
        _harness.Http.Expect(HttpMethod.Post, DeliveryHarness.InviteUrl)
            .Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":77,"status":"invited"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Member());

        Assert.That((result.Outcome, result.TallyfyId), Is.EqualTo((Outcome.Invited, "77")));
    }

    [Test]
    public async Task SendAsync_TransientFailuresThenSuccess_RetriesAndSucceeds()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.ServiceUnavailable);
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.RequestTimeout);
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":"g1"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.Attempts), Is.EqualTo((Outcome.Created, 3)));
        Assert.That((_harness.Stats.Requests, _harness.Stats.Retries), Is.EqualTo((3L, 2L)));
    }

    [Test]
    public async Task SendAsync_ServerErrorForEveryAttempt_BreakerNotTripped_FailsAfterMaxAttempts()
    {
        // Twenty workers: four failures are not yet enough for the breaker to call it an outage.
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o => o.MaxConcurrency = 20));
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.BadGateway);

        var result = await harness.SendAsync(DeliveryHarness.Guest()).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(result.Attempts, Is.EqualTo(harness.Delivery.MaxAttempts));
        Assert.That(result.Message, Does.StartWith("gave up after 4 attempt(s): HTTP 502"));
    }

    [Test]
    public async Task SendAsync_DroppedConnectionThenDuplicate_ReportsCreatedBecauseTheFirstAttemptDidIt()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Throw(new HttpRequestException("The response ended prematurely."));
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Created));
        Assert.That(result.Message, Does.Contain("most likely that attempt created it"));
    }

    [Test]
    public async Task SendAsync_LostResponseThenDuplicate_GuestCreatedThen_IsConfirmedCreated()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.BadGateway);
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        _harness.Http.Expect(HttpMethod.Get, DeliveryHarness.GuestsUrl + "/g%40x.example").Respond(HttpStatusCode.OK, "application/json",
            $$$"""{"data":{"id":"g9","created_at":"{{{DateTimeOffset.UtcNow:O}}}"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        _harness.Http.VerifyNoOutstandingExpectation();
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Created));
        Assert.That(result.Message, Does.Contain("so that attempt created it"));
    }

    [Test]
    public async Task SendAsync_LostResponseThenDuplicate_GuestOlderThanTheRun_IsSkippedAlreadyExists()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Throw(new HttpRequestException("Connection reset by peer"));
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        _harness.Http.Expect(HttpMethod.Get, DeliveryHarness.GuestsUrl + "/g%40x.example").Respond(HttpStatusCode.OK, "application/json",
            """{"data":{"id":"g9","created_at":"2024-01-15T09:00:00Z"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.Reason), Is.EqualTo((Outcome.Skipped, Outcomes.AlreadyExists)));
        Assert.That(result.Message, Does.Contain("existed before this run"));
    }

    [Test]
    public async Task SendAsync_503ThenDuplicate_IsSkipped_BecauseA503WasNotProcessed()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.ServiceUnavailable);
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.Reason), Is.EqualTo((Outcome.Skipped, Outcomes.AlreadyExists)));
    }

    [Test]
    public async Task SendAsync_TimeoutThenDuplicate_ReportsInvited()
    {
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o => o.Timeout = TimeSpan.FromMilliseconds(100)));
        harness.Http.Expect(DeliveryHarness.InviteUrl).Respond(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return new HttpResponseMessage(HttpStatusCode.Created);
        });
        harness.Http.Expect(DeliveryHarness.InviteUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);

        var result = await harness.SendAsync(DeliveryHarness.Member());

        Assert.That((result.Outcome, result.Attempts), Is.EqualTo((Outcome.Invited, 2)));
        Assert.That(result.Message, Does.Contain("no response within 0.1 s"));
    }

    [Test]
    public async Task SendAsync_PlainDuplicate_IsSkippedAlreadyExists()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.Reason, result.HttpStatus), Is.EqualTo((Outcome.Skipped, Outcomes.AlreadyExists, (int?)422)));
    }

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

    [Test]
    public async Task SendAsync_StopRequestedBeforehand_SendsNothing()
    {
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        var result = await _harness.SendAsync(DeliveryHarness.Guest(), stop.Token);

        Assert.That((result.Outcome, result.Attempts), Is.EqualTo((Outcome.NotAttempted, 0)));
        Assert.That(_harness.Stats.Requests, Is.Zero);
    }

    [Test]
    public async Task SendAsync_429WithRetryAfter_PausesEveryWorkerUntilThen()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o => { o.RequestsPerMinute = 600; o.MaxRetryDelay = TimeSpan.FromMinutes(5); }), time);
        var calls = 0;
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(_ =>
        {
            var response = Interlocked.Increment(ref calls) == 1
                ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { { "Retry-After", "30" } } }
                : new HttpResponseMessage(HttpStatusCode.Created);
            return response;
        });

        var first = harness.SendAsync(DeliveryHarness.Guest("a@x.example"));
        await WaitUntil(() => harness.Stats.RateLimited == 1);
        var second = harness.SendAsync(DeliveryHarness.Guest("b@x.example"));
        await Task.Delay(100);
        Assert.That(calls, Is.EqualTo(1), "nobody sends while the pause holds");

        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(100);
        Assert.That(calls, Is.EqualTo(1), "the pause lasts the whole Retry-After");

        time.Advance(TimeSpan.FromSeconds(2));
        for (var i = 0; i < 50 && !(first.IsCompleted && second.IsCompleted); i++)
        {
            // At 600/min the two requests go a tenth of a second apart.
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(20);
        }

        var results = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Created));
        Assert.That(calls, Is.EqualTo(3));
        Assert.That(harness.Stats.RateLimited, Is.EqualTo(1));
    }

    [Test]
    public async Task SendAsync_Many429s_NeverCountAsAttempts_TheRowStillSucceeds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        // A day's timeout: the clock below moves in minutes, and must not time a request out.
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o => { o.MaxAttempts = 1; o.Timeout = TimeSpan.FromDays(1); }), time);
        var calls = 0;
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(_ => Interlocked.Increment(ref calls) <= 6
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { { "Retry-After", "600" } } }
            : new HttpResponseMessage(HttpStatusCode.Created));

        var row = harness.SendAsync(DeliveryHarness.Guest());
        for (var i = 0; i < 500 && !row.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(5);
        }

        Assert.That(row.IsCompleted, Is.True, $"calls {calls}, 429s {harness.Stats.RateLimited}, hold {harness.Sender.Hold}, now {time.GetUtcNow():O}");
        var result = await row;
        Assert.That((result.Outcome, result.Attempts), Is.EqualTo((Outcome.Created, 1)), $"six ten-minute waits, one attempt ({result.Message})");
        Assert.That(harness.Stats.RateLimited, Is.EqualTo(6));
        Assert.That(harness.Sender.RateLimitWait, Is.EqualTo(TimeSpan.FromHours(1)));
    }

    [Test]
    public async Task SendAsync_RetryAfterBeyondMaxRateLimitWait_IsNotAttempted_AndStopsOnlyItsKind()
    {
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o => o.MaxRateLimitWait = TimeSpan.FromMinutes(30)));
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(_ => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { { "Retry-After", "3600" } } });

        var result = await harness.SendAsync(DeliveryHarness.Guest()).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That((result.Outcome, result.StopsRun, result.Attempts), Is.EqualTo((Outcome.NotAttempted, false, 0)), "the 429 held guest creates: member invites go on");
        Assert.That(result.Message, Does.Contain("Delivery:MaxRateLimitWait").And.Contain("in 60 min").And.Contain("guest creates stop for this run").And.Contain("a re-run picks these rows up"));
    }

    [Test]
    public async Task SendAsync_ApiDownLongerThanGiveUpAfter_StopsTheRunInsteadOfRetryingOn()
    {
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o =>
        {
            o.MaxAttempts = 100;
            o.GiveUpAfter = TimeSpan.FromMilliseconds(300);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
        }));
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.ServiceUnavailable);

        var result = await harness.SendAsync(DeliveryHarness.Guest()).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That((result.Outcome, result.StopsRun), Is.EqualTo((Outcome.NotAttempted, true)));
        Assert.That(result.Message, Does.Contain("Delivery:GiveUpAfter"));
        Assert.That(result.Attempts, Is.LessThan(100));
    }

    [Test]
    public async Task SendAsync_ShortOutage_IsRiddenOut()
    {
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o => o.GiveUpAfter = TimeSpan.FromSeconds(30)));
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.ServiceUnavailable);
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.GatewayTimeout);
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created);

        var result = await harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.StopsRun), Is.EqualTo((Outcome.Created, false)));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True, "condition not reached in time");
    }
}
