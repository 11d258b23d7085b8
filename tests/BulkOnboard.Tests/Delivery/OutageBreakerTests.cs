using Microsoft.Extensions.Time.Testing;
using System.Net;
using BulkOnboard.Delivery;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using BulkOnboard.Tests.Support;
using Polly.Timeout;
using RichardSzalay.MockHttp;
using Outcome = BulkOnboard.Validation.Outcome;

namespace BulkOnboard.Tests.Delivery;

public class OutageBreakerTests
{
    [TestCase(500, true)]
    [TestCase(502, true)]
    [TestCase(503, true)]
    [TestCase(504, true)]
    [TestCase(408, true)]
    [TestCase(422, false)]
    [TestCase(429, false)]
    [TestCase(401, false)]
    [TestCase(404, false)]
    [TestCase(201, false)]
    public void IsOutageLike_ServerErrorsAndTimeoutsCount_RowErrorsAndRateLimitsDoNot(int status, bool expected)
    {
        var response = new ApiResponse(status, "", null, default, null);

        Assert.That(OutageBreaker.IsOutageLike(Polly.Outcome.FromResult(response)), Is.EqualTo(expected));
    }

    [Test]
    public void IsOutageLike_NoAnswerAtAll_Counts()
    {
        Assert.That(OutageBreaker.IsOutageLike(Polly.Outcome.FromException<ApiResponse>(new HttpRequestException("reset"))), Is.True);
        Assert.That(OutageBreaker.IsOutageLike(Polly.Outcome.FromException<ApiResponse>(new TimeoutRejectedException())), Is.True);
        Assert.That(OutageBreaker.IsOutageLike(Polly.Outcome.FromException<ApiResponse>(new InvalidOperationException())), Is.False);
    }

    [Test]
    public async Task ApiDown_BreakerOpens_EveryWorkerWaitsTheBreak_ThenOneProbe_AndNoRowSpendsItsAttempts()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        using var harness = OnFakeClock(time, giveUpAfter: TimeSpan.FromMinutes(10));
        var down = true;
        var calls = 0;
        var sentWhileUp = 0;
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(_ =>
        {
            Interlocked.Increment(ref calls);
            if (Volatile.Read(ref down))
            {
                return new HttpResponseMessage(HttpStatusCode.BadGateway);
            }

            Interlocked.Increment(ref sentWhileUp);
            return DeliveryHarness.Created();
        });

        var rows = SendWithFourWorkers(harness, 12);
        // The four workers' first attempts are a millisecond apart (60,000/min); the clock moves no further until they have failed.
        await AdvanceUntil(time, TimeSpan.FromMilliseconds(1), () => Volatile.Read(ref calls) >= 4);
        await Task.Delay(200);
        var atBreak = Volatile.Read(ref calls);
        Assert.That(atBreak, Is.InRange(4, 4 + 4), "the breaker opens once a round of the four workers failed; only requests already in flight go on");

        for (var i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(100);
        }

        Assert.That(Volatile.Read(ref calls), Is.EqualTo(atBreak), "nobody sends during the break: retries and new rows wait");

        // The break ends: exactly one probe, which fails: another break.
        await AdvanceUntil(time, TimeSpan.FromSeconds(1), () => Volatile.Read(ref calls) > atBreak);
        await Task.Delay(100);
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        Assert.That(Volatile.Read(ref calls), Is.EqualTo(atBreak + 1), "one probe, then a new break");

        // The API is back: after the second break everything goes through.
        Volatile.Write(ref down, false);
        await AdvanceUntil(time, TimeSpan.FromSeconds(1), () => rows.All(r => r.IsCompleted));

        var results = await Task.WhenAll(rows).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Created), "the outage outlasted five attempts' backoff, yet no row failed: waiting it out costs no attempts");
        Assert.That(sentWhileUp, Is.EqualTo(12), "one successful request per row");
        Assert.That(harness.Stats.Requests, Is.EqualTo(atBreak + 1 + 12));
    }

    [Test]
    public async Task WhileTheBreakerIsOpen_ARowsAttemptsAreUntouched_EachCountsOnlyTheRequestsItSent()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        using var harness = OnFakeClock(time, giveUpAfter: TimeSpan.FromMinutes(10));
        var down = true;
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(request =>
        {
            using var body = System.Text.Json.JsonDocument.Parse(request.Content!.ReadAsStringAsync().GetAwaiter().GetResult());
            sent.AddOrUpdate(body.RootElement.GetProperty("email").GetString()!, 1, (_, n) => n + 1);
            return Volatile.Read(ref down) ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : DeliveryHarness.Created();
        });

        var early = SendWithFourWorkers(harness, 4);
        await AdvanceUntil(time, TimeSpan.FromMilliseconds(1), () => sent.Values.Sum() >= 4);
        await Task.Delay(200);
        var atBreak = sent.Values.Sum();

        // A row that meets the open breaker waits: 25 s of the break pass, more than its five attempts' backoff (1+2+4+8 s).
        var late = harness.SendAsync(DeliveryHarness.Guest("late@x.example"));
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(100);
        }

        Assert.That((late.IsCompleted, sent.GetValueOrDefault("late@x.example"), sent.Values.Sum()), Is.EqualTo((false, 0, atBreak)),
            "during the break the row waits: no request, no attempt spent, not failed");

        // The API is back before the break ends: the probe and everything after it goes through.
        Volatile.Write(ref down, false);
        await AdvanceUntil(time, TimeSpan.FromSeconds(1), () => late.IsCompleted && early.All(r => r.IsCompleted));

        var lateResult = await late;
        Assert.That((lateResult.Outcome, lateResult.Attempts), Is.EqualTo((Outcome.Created, 1)), "its one request is its one attempt");
        var earlyResults = await Task.WhenAll(early);
        Assert.That(earlyResults.Select(r => (r.Outcome, r.Attempts)), Is.EqualTo(Enumerable.Range(1, 4).Select(i => (Outcome.Created, sent[$"p{i}@x.example"]))),
            "a row that failed before the break counts the requests it sent, and nothing for the time it waited");
    }

    [Test]
    public async Task ApiDownPastGiveUpAfter_RowsHeldByTheBreaker_StopTheRun_WithFewRequests()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        using var harness = OnFakeClock(time, giveUpAfter: TimeSpan.FromMinutes(2));
        var calls = 0;
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(_ =>
        {
            Interlocked.Increment(ref calls);
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        });

        var rows = SendWithFourWorkers(harness, 12);
        await AdvanceUntil(time, TimeSpan.FromMilliseconds(1), () => Volatile.Read(ref calls) >= 4);
        await Task.Delay(100);
        await AdvanceUntil(time, TimeSpan.FromSeconds(1), () => rows.All(r => r.IsCompleted), steps: 400);

        var results = await Task.WhenAll(rows).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(results.Select(r => (r.Outcome, r.StopsRun)), Is.All.EqualTo((Outcome.NotAttempted, true)));
        Assert.That(results[0].Message, Does.Contain("Delivery:GiveUpAfter"));
        Assert.That(harness.Stats.Requests, Is.LessThanOrEqualTo(4 + 4 + 5), "one probe per break, not five attempts for each of the 12 rows (60)");
    }

    [Test]
    public async Task ScatteredFailures_WellBelowHalf_DoNotOpenTheBreaker()
    {
        // A break of an hour would hang this test: every row must finish without one.
        // Ten attempts a row: a row meeting the failing quarter ten times running is out of reach.
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o =>
        {
            o.BreakDuration = TimeSpan.FromHours(1);
            o.MaxAttempts = 10;
        }));
        var calls = 0;
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(_ =>
            Interlocked.Increment(ref calls) % 4 == 0 ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : DeliveryHarness.Created());

        var results = await Task.WhenAll(SendWithFourWorkers(harness, 60)).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Created));
        Assert.That(harness.Stats.Retries, Is.GreaterThan(0));
    }

    /// <summary>The defaults that matter here: 5 attempts from 1 s backoff, 30 s breaks; time moves only when the test says.</summary>
    private static DeliveryHarness OnFakeClock(FakeTimeProvider time, TimeSpan giveUpAfter) =>
        new(DeliveryHarness.Fast(o =>
        {
            o.MaxAttempts = 5;
            o.RetryBaseDelay = TimeSpan.FromSeconds(1);
            o.MaxRetryDelay = TimeSpan.FromSeconds(30);
            o.BreakDuration = TimeSpan.FromSeconds(30);
            o.GiveUpAfter = giveUpAfter;
        }), time);

    /// <summary>Sends guests p1..pN as the import does: four workers, each one row at a time.</summary>
    private static Task<DeliveryResult>[] SendWithFourWorkers(DeliveryHarness harness, int count)
    {
        var workers = new SemaphoreSlim(4);
        return Enumerable.Range(1, count).Select(async i =>
        {
            await workers.WaitAsync();
            try
            {
                return await harness.SendAsync(DeliveryHarness.Guest($"p{i}@x.example"));
            }
            finally
            {
                workers.Release();
            }
        }).ToArray();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True, "condition not reached in 5 s");
    }

    /// <summary>Moves the clock a step at a time, giving the workers a moment after each, until <paramref name="condition"/> holds.</summary>
    private static async Task AdvanceUntil(FakeTimeProvider time, TimeSpan step, Func<bool> condition, int steps = 120)
    {
        for (var i = 0; i < steps && !condition(); i++)
        {
            time.Advance(step);
            await Task.Delay(20);
        }

        Assert.That(condition(), Is.True, $"condition not reached within {steps} steps of {step}");
    }
}
