using BulkOnboard.Delivery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Delivery;

/// <summary>
/// The learner as the gate drives it, on a fake clock: every send asks <see cref="RateLimitLearner.NextAllowed"/>
/// first and is logged, every answer is learned from, every 429 is refused. A pace learned from 429s alone
/// recovers after a quiet period; a stated limit's edge 429s never push the pace below it.
/// </summary>
public class RateLimitLearnerTests
{
    private static readonly TimeSpan BurstThrottle = TimeSpan.FromSeconds(3);
    private static readonly RateLimitHeaders StatesTen = new(10, 0, null, Style: "X-RateLimit-Limit/-Remaining");

    private FakeTimeProvider _time = null!;
    private SendLog _sent = null!;
    private RateLimitLearner _learner = null!;
    private long _sequence;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        _sent = new SendLog();
        _learner = new RateLimitLearner(_sent, NullLogger.Instance);
        _sequence = 0;
    }

    /// <summary>Tallyfy's burst throttle (10 a second, no headers, a 3 s throttle) met once: the pace it taught is not kept for ever.</summary>
    [Test]
    public void Refused_APaceLearnedFrom429sAlone_RisesByOneAfterAQuietPeriod_AndAgainAfterTheNext()
    {
        SendFor(TimeSpan.FromSeconds(1), perSecond: 10);
        Refuse(default, BurstThrottle);
        Assert.That(Pace, Is.EqualTo(10), "the throttle taught 10 a second");

        SendFor(RateLimitLearner.QuietPeriod - TimeSpan.FromSeconds(1));
        Assert.That(Pace, Is.EqualTo(10), "not before a quiet period");

        SendFor(TimeSpan.FromSeconds(2));
        Assert.That(Pace, Is.EqualTo(11), "probed one higher after a quiet period");

        SendFor(RateLimitLearner.QuietPeriod);
        Assert.That(Pace, Is.EqualTo(12), "the probe held: the next comes a quiet period later");
    }

    [Test]
    public void Refused_AProbeRefusedAgain_BacksOff_EachRefusedProbeWaitsTwiceAsLong()
    {
        SendFor(TimeSpan.FromSeconds(1), perSecond: 10);
        Refuse(default, BurstThrottle);
        SendFor(RateLimitLearner.QuietPeriod + TimeSpan.FromSeconds(1));
        Assert.That(Pace, Is.EqualTo(11));

        SendFor(TimeSpan.FromSeconds(1));
        Refuse(default, BurstThrottle);
        Assert.That(Pace, Is.EqualTo(10), "the probe was too much: back to the pace before it");

        SendFor(RateLimitLearner.QuietPeriod + TimeSpan.FromSeconds(1));
        Assert.That(Pace, Is.EqualTo(10), "a refused probe waits two quiet periods, not one");
        SendFor(RateLimitLearner.QuietPeriod);
        Assert.That(Pace, Is.EqualTo(11));

        SendFor(TimeSpan.FromSeconds(1));
        Refuse(default, BurstThrottle);
        SendFor((3 * RateLimitLearner.QuietPeriod) + TimeSpan.FromSeconds(1));
        Assert.That(Pace, Is.EqualTo(10), "refused twice: four quiet periods");
        SendFor(RateLimitLearner.QuietPeriod);
        Assert.That(Pace, Is.EqualTo(11));
    }

    /// <summary>A strict sliding second counts arrivals, not sends: a client at the stated limit meets its edge now and then.</summary>
    [Test]
    public void Refused_EdgeOfAStatedLimit_NeverPushesThePaceBelowIt()
    {
        for (var i = 0; i < 6; i++)
        {
            SendFor(TimeSpan.FromSeconds(2), perSecond: 10, StatesTen);
            Refuse(StatesTen, TimeSpan.FromSeconds(1));
            Assert.That(Pace, Is.EqualTo(10), $"429 number {i + 1}");
        }

        Assert.That(_learner.Limits.Min(l => l.PerSecond), Is.EqualTo(10), "no learned limit below the stated 10 a second");
    }

    /// <summary>The server counted ten in its second where this run counts nine sent in the second before: one arrived late, or the first bunched.</summary>
    [Test]
    public void Refused_WithOneLessThanTheStatedLimitSent_LearnsTheStatedLimit()
    {
        SendFor(TimeSpan.FromSeconds(1), perSecond: 9, StatesTen);
        Refuse(StatesTen, TimeSpan.FromSeconds(1));

        Assert.That(Pace, Is.EqualTo(10));
    }

    [Test]
    public void Refused_AtAStatedLimit_IsNeverProbedPastIt()
    {
        SendFor(TimeSpan.FromSeconds(2), perSecond: 10, StatesTen);
        Refuse(StatesTen, TimeSpan.FromSeconds(1));

        SendFor(5 * RateLimitLearner.QuietPeriod, headers: StatesTen);

        Assert.That(Pace, Is.EqualTo(10), "the server says 10: probing past it would only meet 429s");
    }

    /// <summary>The journal keeps the pace between runs: a pace kept from an earlier run recovers too, and what it rises to is this run's to keep.</summary>
    [Test]
    public void Seed_APaceFromAnEarlierRun_IsProbedUpAfterAQuietPeriod()
    {
        _learner.Seed(new ApiLimit(8, TimeSpan.FromSeconds(1), "remembered from an earlier run (429s: requests accepted in the second before)"));

        SendFor(RateLimitLearner.QuietPeriod - TimeSpan.FromSeconds(1));
        Assert.That(Pace, Is.EqualTo(8), "kept from the first request");
        SendFor(TimeSpan.FromSeconds(2));

        Assert.That(Pace, Is.EqualTo(9));
        Assert.That(_learner.RefusedPace!.Source, Does.Not.StartWith("remembered"), "learned by this run: the journal keeps it, dated today");
    }

    private int Pace => _learner.RefusedPace?.Requests ?? 0;

    /// <summary>Sends for <paramref name="span"/>, evenly at <paramref name="perSecond"/> or else at the learned pace (with its margin, as the gate does), every request accepted.</summary>
    private void SendFor(TimeSpan span, int? perSecond = null, RateLimitHeaders headers = default)
    {
        var until = _time.GetUtcNow() + span;
        while (_time.GetUtcNow() < until)
        {
            _learner.Learn(Send(), headers, _time.GetUtcNow());
            _time.Advance(RateLimitLearner.Widen(TimeSpan.FromSeconds(1)) / (perSecond ?? Pace));
        }
    }

    /// <summary>
    /// The next request is answered 429 with <paramref name="retryAfter"/>. The gate holds everyone for it; the
    /// learner knows nothing of holds, so the clock is not moved: quiet periods count from this 429.
    /// </summary>
    private void Refuse(RateLimitHeaders headers, TimeSpan retryAfter)
    {
        var ticket = Send();
        _learner.Learn(ticket, headers, _time.GetUtcNow());
        _learner.Refused(ticket, headers, retryAfter, _time.GetUtcNow());
    }

    private GateTicket Send()
    {
        var now = _time.GetUtcNow();
        _learner.NextAllowed(_sequence + 1, now);
        _sent.Add(now);
        return new GateTicket(++_sequence, now);
    }
}
