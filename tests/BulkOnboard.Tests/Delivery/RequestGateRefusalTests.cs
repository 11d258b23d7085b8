using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Delivery;

/// <summary>
/// The gate against 429s that give no usable wait (<c>Retry-After: 0</c>, a date past, an absurd value) and
/// headers out of range, on a fake clock: such 429s are waited out at a sane pause, count toward
/// <c>Delivery:MaxRateLimitWait</c> and <c>Delivery:GiveUpAfter</c>, and the log says so once.
/// </summary>
public class RequestGateRefusalTests
{
    private FakeTimeProvider _time = null!;
    private FakeLogger _logger = null!;

    [SetUp]
    public void SetUp() => (_time, _logger) = (new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero)), new FakeLogger());

    [Test]
    public async Task Observe_429sWithRetryAfterZero_EachHoldsEveryoneTheDefaultPause_AndTogetherStopAtMaxRateLimitWait()
    {
        var gate = Gate(o => o.MaxRateLimitWait = TimeSpan.FromSeconds(30));
        var sends = new List<DateTimeOffset>();
        string? refusal = null;
        while (refusal is null && sends.Count < 50)
        {
            var (ticket, refused) = await TurnAsync(gate);
            if (refused is not null)
            {
                refusal = refused;
                break;
            }

            sends.Add(ticket.SentAt);
            Observe(gate, ticket, RefusedWithoutAWait());
        }

        Assert.That(sends.Zip(sends.Skip(1), (a, b) => b - a), Is.All.GreaterThanOrEqualTo(RateLimitLearner.DefaultRateLimitPause), "never at the pace: at least the default pause");
        Assert.That(sends, Has.Count.InRange(5, 7), "30 s of 429s, 5 s apart");
        Assert.That(refusal, Does.Contain("refused every request since").And.Contain("Delivery:MaxRateLimitWait"));
        Assert.That(_logger.Collector.GetSnapshot().Count(r => r.Level == LogLevel.Warning && r.Message.StartsWith("Rate limited: the API answers 429 without a usable wait", StringComparison.Ordinal)),
            Is.EqualTo(1), "the log says the run is rate limited, once");
    }

    [Test]
    public async Task Observe_AnotherAnswerBetween429s_EndsTheStreak()
    {
        var gate = Gate(o => o.MaxRateLimitWait = TimeSpan.FromSeconds(12));
        for (var i = 0; i < 6; i++)
        {
            var (ticket, refusal) = await TurnAsync(gate);
            Assert.That(refusal, Is.Null, $"turn {i}: the API lets one through between its 429s");
            Observe(gate, ticket, i % 2 == 0 ? RefusedWithoutAWait() : new ApiResponse(201, """{"data":{"id":1}}""", null, default));
        }
    }

    [Test]
    public async Task Observe_429sWithoutAUsableWait_RunDownGiveUpAfter_WhileAUsableRetryAfterKeepsItWound()
    {
        var gate = Gate(o => o.GiveUpAfter = TimeSpan.FromSeconds(10));
        var (first, _) = await TurnAsync(gate);
        Observe(gate, first, new ApiResponse(429, "", TimeSpan.FromSeconds(3), default));
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.That(gate.IsPastGiveUp, Is.False, "a 429 with a usable Retry-After is an answer");

        var (second, _) = await TurnAsync(gate);
        Observe(gate, second, RefusedWithoutAWait());
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.That(gate.IsPastGiveUp, Is.True, "a 429 asking for no wait is no usable answer");
    }

    [Test]
    public async Task Observe_HeadersOutOfRange_AreIgnored_WithOneWarningEach()
    {
        var gate = Gate();
        for (var i = 0; i < 3; i++)
        {
            var (ticket, _) = await TurnAsync(gate);
            Observe(gate, ticket, new ApiResponse(201, "", null, default) { IgnoredHeaders = ["X-RateLimit-Reset: 1767225600000 (more than 7 days away)", "Retry-After: 99999999999999999999 (not whole seconds or an HTTP date)"] });
        }

        var warnings = _logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.That(warnings, Has.Count.EqualTo(2), string.Join("\n", warnings));
        Assert.That(warnings, Has.Some.Contains("X-RateLimit-Reset: 1767225600000").And.Some.Contains("Retry-After: 99999999999999999999"));
        Assert.That(gate.Limits, Is.Empty);
    }

    private static ApiResponse RefusedWithoutAWait() => new(429, "", null, default) { IgnoredHeaders = ["Retry-After: 0 (no wait)"] };

    private RequestGate Gate(Action<DeliveryOptions>? change = null)
    {
        var options = new DeliveryOptions { RequestsPerMinute = 6000 };
        change?.Invoke(options);
        return new RequestGate(options, _time, _logger);
    }

    /// <summary>Waits for a turn, moving the fake clock a tenth of a second at a time (at most a minute).</summary>
    private async Task<(GateTicket Ticket, string? Refusal)> TurnAsync(RequestGate gate)
    {
        var turn = gate.WaitTurnAsync(RequestScope.Write, CancellationToken.None).AsTask();
        for (var i = 0; i < 600 && !turn.IsCompleted; i++)
        {
            await Task.Delay(1);
            if (!turn.IsCompleted)
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
            }
        }

        var (ticket, refusal, _) = await turn.WaitAsync(TimeSpan.FromSeconds(5));
        return (ticket, refusal);
    }

    private static void Observe(RequestGate gate, GateTicket ticket, ApiResponse response) => gate.Observe(ticket, response, ResponseClassifier.Classify(response));
}
