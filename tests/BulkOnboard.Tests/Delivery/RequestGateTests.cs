using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Delivery;

/// <summary>The gate on a fake clock: nothing here waits real time; a wait shows as a task not yet done.</summary>
public class RequestGateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task WaitTurn_AtTheCeiling_FirstRequestAlone_ThenEvenlySpaced_WithNoBurst()
    {
        // A tenth of a second at 600/min, with the margin every pace keeps from a strict limit.
        var gate = Gate(perMinute: 600);

        var first = await Turn(gate);
        var second = gate.WaitTurnAsync(RequestScope.Write, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await Settle();
        Assert.That(second.IsCompleted, Is.False, "the run's first request goes alone: the others wait for its answer");

        Answer(gate, first, 201);
        await Settle();
        Assert.That(second.IsCompleted, Is.False, "the cadence starts from the first answer");
        _time.Advance(Spacing);
        var (secondTicket, _, _) = await second.WaitAsync(TimeSpan.FromSeconds(5));
        var third = gate.WaitTurnAsync(RequestScope.Write, CancellationToken.None).AsTask();
        await Settle();
        Assert.That(third.IsCompleted, Is.False, "the next waits its tenth of a second: no burst");

        _time.Advance(Spacing);
        var (thirdTicket, _, _) = await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That((secondTicket.SentAt - first.SentAt, thirdTicket.SentAt - secondTicket.SentAt),
            Is.EqualTo((TimeSpan.FromMilliseconds(100) + Spacing, Spacing)));
    }

    [Test]
    public async Task Observe_429WithAnHoursRetryAfterNamingNoCap_HoldsItsKindTheWholeHour_WhileOtherKindsGoOn()
    {
        var gate = Gate(perMinute: 600);
        var ticket = await Turn(gate);

        Refuse(gate, ticket, TimeSpan.FromHours(1));
        var next = gate.WaitTurnAsync(RequestScope.Write, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));
        var read = await Turn(gate, RequestScope.Read);
        _time.Advance(TimeSpan.FromMinutes(59));
        await Settle();

        Assert.That(read.Scope, Is.EqualTo(RequestScope.Read), "a read is not held by a write's 429");
        Assert.That(next.IsCompleted, Is.False, "no cap shortens the API's Retry-After");
        Assert.That(gate.Hold?.Reason, Does.Contain("other writes wait").And.Contain("Retry-After 3600 s"));
        _time.Advance(TimeSpan.FromMinutes(1));
        var (_, refusal, _) = await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(refusal, Is.Null);
        Assert.That(gate.RateLimitWait, Is.EqualTo(TimeSpan.FromHours(1)));
    }

    [Test]
    public async Task Observe_ALongUnnamed429ForASecondKind_HoldsEveryone_TheLimitIsShared()
    {
        var gate = Gate(perMinute: 600);
        Refuse(gate, await Turn(gate, RequestScope.Write), TimeSpan.FromMinutes(10));
        _time.Advance(TimeSpan.FromSeconds(1));
        Refuse(gate, await Turn(gate, RequestScope.Read), TimeSpan.FromMinutes(10));

        var invite = gate.WaitTurnAsync(RequestScope.MemberInvite, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMinutes(5));
        await Settle();

        Assert.That(invite.IsCompleted, Is.False, "refused for two kinds: everyone waits");
        Assert.That(gate.Hold?.Reason, Does.Contain("the limit is shared"));
        Assert.That(gate.RateLimitWait, Is.InRange(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(3)), "the wait is counted once, not per kind and again for everyone");
    }

    [Test]
    public async Task Observe_TheGuestCapsNamed429_HoldsGuestCreatesOnly_AndLearnsTheCapItStates_CheckedAgainstWhatItAccepted()
    {
        var gate = Gate(perMinute: 600);
        var first = _time.GetUtcNow();
        for (var i = 0; i < 10; i++)
        {
            Answer(gate, await Turn(gate, RequestScope.GuestCreate), 201);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // The eleventh, ten seconds after the first: the server reopens 50 s later (a 60 s window).
        RefuseWith(gate, await Turn(gate, RequestScope.GuestCreate), TimeSpan.FromSeconds(50),
            """{"message": "You've reached the limit for Guest Invite (10 per minute per organization). Please try again later.", "code": "RATE_LIMIT_EXCEEDED"}""");
        var invite = await Turn(gate, RequestScope.MemberInvite);
        var guest = gate.WaitTurnAsync(RequestScope.GuestCreate, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(45));
        await Settle();

        Assert.That(invite.SentAt - first, Is.LessThan(TimeSpan.FromSeconds(11)), "member invites go on");
        Assert.That(guest.IsCompleted, Is.False, "guest creates wait for the cap");
        var cap = gate.CapOn(RequestScope.GuestCreate)!;
        Assert.That((cap.Requests, cap.Window), Is.EqualTo((10, TimeSpan.FromSeconds(60))), "the body's figures, which the evidence bears out (10 accepted, reopening 60 s after the first)");
        Assert.That(gate.Limits.Where(l => !l.Source.StartsWith("guest_create", StringComparison.Ordinal)), Is.Empty, "no per-second window from a short Retry-After");
        _time.Advance(TimeSpan.FromSeconds(6));
        var (ticket, refusal, _) = await guest.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(refusal, Is.Null);
        Assert.That(ticket.SentAt - first, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(gate.TimesFor(new Dictionary<RequestScope, long> { [RequestScope.GuestCreate] = 20 })[RequestScope.GuestCreate], Is.GreaterThan(TimeSpan.FromSeconds(60)), "twenty more take two more windows");
    }

    /// <summary>Tallyfy's burst throttle: no headers, a Retry-After of a few seconds. The pace that met it comes down and stays down.</summary>
    [Test]
    public async Task Observe_ABurstThrottleWithoutHeaders_LearnsThePaceItAccepted()
    {
        var gate = Gate(perMinute: 6000);
        for (var i = 0; i < 10; i++)
        {
            Answer(gate, await Turn(gate, RequestScope.MemberInvite), 200);
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        RefuseWith(gate, await Turn(gate, RequestScope.MemberInvite), TimeSpan.FromSeconds(3), """{"message":"Too Many Attempts."}""");

        Assert.That(gate.LearnedPace is { Requests: 10 } pace ? pace.Window : TimeSpan.Zero, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(gate.SustainedPerSecond, Is.LessThanOrEqualTo(10));
    }

    /// <summary>The cap is the organization's: a run that meets it after fewer sends than it states met others' sends too.</summary>
    [Test]
    public async Task Observe_TheCapsNamed429_AfterFewerSendsThanItStates_LearnsTheStatedCap_NotWhatThisRunSaw()
    {
        var gate = Gate(perMinute: 600);
        for (var i = 0; i < 4; i++)
        {
            Answer(gate, await Turn(gate, RequestScope.GuestCreate), 201);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        RefuseWith(gate, await Turn(gate, RequestScope.GuestCreate), TimeSpan.FromSeconds(46),
            """{"message": "You've reached the limit for Guest Invite (10 per minute per organization). Please try again later.", "code": "RATE_LIMIT_EXCEEDED"}""");

        var cap = gate.CapOn(RequestScope.GuestCreate)!;
        Assert.That((cap.Requests, cap.Window), Is.EqualTo((10, TimeSpan.FromSeconds(60))), "4 accepted in a window others had used: not 4 per 50 s");
    }

    [Test]
    public async Task ACapRememberedFromAnEarlierRun_HoldsTheFirstGuestUntilTheWindowHasRoom()
    {
        var gate = Gate(perMinute: 600);
        var now = _time.GetUtcNow();
        gate.Remember([new LearnedCap(RequestScope.GuestCreate, new ApiLimit(3, TimeSpan.FromMinutes(1), "earlier run"),
            [now - TimeSpan.FromSeconds(30), now - TimeSpan.FromSeconds(20), now - TimeSpan.FromSeconds(10)], now)]);

        var guest = gate.WaitTurnAsync(RequestScope.GuestCreate, CancellationToken.None).AsTask();
        var invite = await Turn(gate, RequestScope.MemberInvite);
        Answer(gate, invite, 200);
        await Settle();

        Assert.That(guest.IsCompleted, Is.False, "the window is full from the earlier run");
        Assert.That(invite.Scope, Is.EqualTo(RequestScope.MemberInvite));
        _time.Advance(TimeSpan.FromSeconds(31));
        var (ticket, _, _) = await guest.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(ticket.SentAt - now, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public async Task WaitTurn_RetryAfterBeyondMaxRateLimitWait_RefusesWithTheSetting()
    {
        var gate = Gate(perMinute: 600, change: o => o.MaxRateLimitWait = TimeSpan.FromSeconds(30));
        var ticket = await Turn(gate);

        Refuse(gate, ticket, TimeSpan.FromSeconds(120));
        var (_, refusal, _) = await gate.WaitTurnAsync(RequestScope.Write, CancellationToken.None);

        Assert.That(refusal, Does.Contain("Delivery:MaxRateLimitWait").And.Contain("in 2 min"));
    }

    [Test]
    public async Task Observe_429WithoutHeaders_LearnsTheShortWindowFromWhatWasAccepted_AndPacesJustBelowIt()
    {
        var gate = Gate(perMinute: 1200);
        GateTicket ticket = default;
        for (var i = 0; i < 11; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50 * RateLimitLearner.Margin));
            ticket = await Turn(gate);
            if (i < 10)
            {
                Answer(gate, ticket, 201);
            }
        }

        Refuse(gate, ticket, TimeSpan.FromSeconds(1));

        Assert.That(gate.Limits.Select(l => (l.Requests, l.Window)), Is.EqualTo(new[] { (10, TimeSpan.FromSeconds(1)) }));
        Assert.That(gate.SustainedPerSecond, Is.InRange(9.5, 10.0), "10 per second with a small margin");
    }

    [Test]
    public async Task Observe_PolicyHeaders_TwoWindows_TheLongOneStopsAtTheWallWithoutA429()
    {
        var gate = Gate(perMinute: 6000);
        var policies = new[] { new RatePolicy(10, TimeSpan.FromSeconds(1)), new RatePolicy(5, TimeSpan.FromMinutes(1)) };
        var first = await Turn(gate);
        Answer(gate, first, 201, new RateLimitHeaders(5, 4, TimeSpan.FromSeconds(60), policies, "RateLimit-*"));
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(103));
            await Turn(gate);
        }

        var sixth = gate.WaitTurnAsync(RequestScope.Write, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(60));
        await Settle();
        Assert.That(sixth.IsCompleted, Is.False, "five a minute: the sixth waits for the first to leave the window");
        for (var i = 0; i < 40 && !sixth.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Settle();
        }

        var (ticket, _, _) = await sixth.WaitAsync(TimeSpan.FromSeconds(5));
        var window = RateLimitLearner.Widen(TimeSpan.FromMinutes(1));
        Assert.That(ticket.SentAt - first.SentAt, Is.InRange(window, window + TimeSpan.FromMilliseconds(51)), "a minute and the margin after the first");
        Assert.That(gate.Limits.Select(l => l.Source).Distinct(), Is.EqualTo(new[] { "RateLimit-Policy" }));
    }

    [Test]
    public async Task Observe_StatedLimitAndResets_LearnTheWindowFromTheLongestReset()
    {
        var gate = Gate(perMinute: 6000);
        var ticket = await Turn(gate);

        Answer(gate, ticket, 201, new RateLimitHeaders(20, 19, TimeSpan.FromSeconds(1), null, "X-RateLimit-Limit/-Remaining/-Reset"));

        Assert.That(gate.Limits.Single(), Is.EqualTo(new ApiLimit(20, TimeSpan.FromSeconds(1), "X-RateLimit-Limit/-Remaining/-Reset: limit and resets")));
    }

    [Test]
    public async Task Observe_StatedLimitThenALong429_LearnsTheWindowFromTheOldestRequestStillInIt()
    {
        // Five a minute, stated without a window; one request a second (and the margin).
        var gate = Gate(perMinute: 60);
        var headers = new RateLimitHeaders(5, null, null, null, "X-RateLimit-Limit/-Remaining");
        for (var i = 0; i < 5; i++)
        {
            Answer(gate, await Turn(gate), 201, headers);
            _time.Advance(TimeSpan.FromSeconds(RateLimitLearner.Margin));
        }

        Refuse(gate, await Turn(gate), TimeSpan.FromSeconds(55), headers);

        // The oldest of the five went out five paces before the refused one; it leaves the window 55 s later.
        Assert.That(gate.Limits.Single(l => l.Source.Contains("Retry-After", StringComparison.Ordinal)).Window,
            Is.EqualTo(TimeSpan.FromSeconds((5 * RateLimitLearner.Margin) + 55)).Within(TimeSpan.FromMilliseconds(1)));
    }

    [Test]
    public async Task Observe_AllowanceSpentUntilALongReset_NextRequestWaitsForTheReset()
    {
        var gate = Gate(perMinute: 600);
        var ticket = await Turn(gate);

        Answer(gate, ticket, 201, new RateLimitHeaders(null, 0, TimeSpan.FromSeconds(30), null, "X-RateLimit-Limit/-Remaining/-Reset"));
        var next = gate.WaitTurnAsync(RequestScope.Write, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(29));
        await Settle();
        Assert.That(next.IsCompleted, Is.False);

        _time.Advance(TimeSpan.FromSeconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task HoldForOutage_NeverLastsPastTheGiveUpTime_AndDoesNotCountAsRateLimitWait()
    {
        var gate = Gate(perMinute: 600, change: o => o.GiveUpAfter = TimeSpan.FromSeconds(10));

        gate.HoldForOutage(TimeSpan.FromMinutes(5), "the API is failing");
        var next = gate.WaitTurnAsync(RequestScope.Write, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(10));
        await next.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That((gate.IsPastGiveUp, gate.RateLimitWait), Is.EqualTo((true, TimeSpan.Zero)));
    }

    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(100 * RateLimitLearner.Margin);

    private RequestGate Gate(int perMinute, Action<DeliveryOptions>? change = null)
    {
        var options = new DeliveryOptions { RequestsPerMinute = perMinute };
        change?.Invoke(options);
        return new RequestGate(options, _time, NullLogger.Instance);
    }

    private async Task<GateTicket> Turn(RequestGate gate, RequestScope scope = RequestScope.Write)
    {
        var turn = gate.WaitTurnAsync(scope, CancellationToken.None).AsTask();
        for (var i = 0; i < 20 && !turn.IsCompleted; i++)
        {
            // The even pacing: a tenth of a second at 600 a minute.
            _time.Advance(TimeSpan.FromMilliseconds(110));
            await Settle();
        }

        var (ticket, refusal, _) = await turn.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(refusal, Is.Null);
        return ticket;
    }

    private static void Answer(RequestGate gate, GateTicket ticket, int status, RateLimitHeaders headers = default)
    {
        var response = new ApiResponse(status, "", null, headers);
        gate.Observe(ticket, response, ResponseClassifier.Classify(response));
    }

    private static void Refuse(RequestGate gate, GateTicket ticket, TimeSpan retryAfter, RateLimitHeaders headers = default)
    {
        var response = new ApiResponse(429, "", retryAfter, headers);
        gate.Observe(ticket, response, ResponseClassifier.Classify(response));
    }

    private static void RefuseWith(RequestGate gate, GateTicket ticket, TimeSpan retryAfter, string body)
    {
        var response = new ApiResponse(429, body, retryAfter, default);
        gate.Observe(ticket, response, ResponseClassifier.Classify(response));
    }

    /// <summary>Lets continuations that the fake clock released run.</summary>
    private static Task Settle() => Task.Delay(50);
}
