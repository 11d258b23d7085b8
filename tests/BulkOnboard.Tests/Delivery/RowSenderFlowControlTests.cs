using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Text.Json;
using BulkOnboard.Delivery;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using BulkOnboard.Tests.Support;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Delivery;

/// <summary>Flow control through the sender: 429s waited out without costing attempts, holds by kind, outages ridden out or given up on.</summary>
public class RowSenderFlowControlTests
{
    private DeliveryHarness _harness = null!;

    [SetUp]
    public void SetUp() => _harness = new DeliveryHarness();

    [TearDown]
    public void TearDown() => _harness.Dispose();

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
                : DeliveryHarness.Created();
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
            : DeliveryHarness.Created());

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
        harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", DeliveryHarness.CreatedBody);

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
