using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>
/// The run's one estimate of its time left, on a fake clock: from the rows of each kind still to send, the
/// gate's pace (shared by the kinds) and each kind's cap and hold; never from how fast the rows so far settled.
/// </summary>
public class RunProgressTests
{
    // 60 a minute: one request every 1.015 s (the margin every pace keeps).
    private static readonly TimeSpan Spacing = TimeSpan.FromSeconds(RateLimitLearner.Margin);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));

    [Test]
    public void MixedKinds_WithoutCaps_ShareThePace_InvalidRowsCostNothing_AndRowsCountInAnyOrder()
    {
        var progress = new RunProgress(45, Gate(), _time);
        Assert.That(progress.TimeLeft(), Is.Null, "nothing planned yet: nothing to say");

        // 5 invalid rows, 10 guests and 30 members, mixed as an HR export mixes them.
        Plan(progress, invalid: 5, guests: 10, members: 30);
        for (var i = 0; i < 5; i++)
        {
            progress.Settle(null);
        }

        // 40 requests at one slot each, whatever their kind: the kinds share the pace.
        Assert.That(progress.TimeLeft(), Is.EqualTo(Spacing * 40).Within(TimeSpan.FromMilliseconds(5)));

        // Members settle first, before the guests above them in the file: they count at once.
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(Spacing);
            progress.Settle(PersonKind.Member);
        }

        Assert.That(progress.Settled, Is.EqualTo(25));
        Assert.That(progress.Unsettled(), Is.EqualTo(new Dictionary<PersonKind, long> { [PersonKind.Guest] = 10, [PersonKind.Member] = 10 }));
        Assert.That(progress.TimeLeft(), Is.EqualTo(Spacing * 20).Within(TimeSpan.FromMilliseconds(5)));
    }

    [Test]
    public void AGuestLaneHeldByItsCap_IsTheSlowestKind_AndTheTimeLeftHoldsWhenTheMembersSettleFirst()
    {
        var gate = Gate();
        var now = _time.GetUtcNow();
        // Five guests a ten-minute window, all five spent a minute ago: guests reopen about nine minutes from now.
        gate.Remember([new LearnedCap(RequestScope.GuestCreate, new ApiLimit(5, TimeSpan.FromMinutes(10), "earlier run"),
            [.. Enumerable.Repeat(now - TimeSpan.FromMinutes(1), 5)], now)]);
        var progress = new RunProgress(40, gate, _time);
        Plan(progress, invalid: 0, guests: 10, members: 30);

        // Five guests when the window frees, five more a window later: the members' 30 s go beside them, not after.
        var window = RateLimitLearner.Widen(TimeSpan.FromMinutes(10));
        var lastGuest = window - TimeSpan.FromMinutes(1) + window + (Spacing * 4);
        Assert.That(progress.TimeLeft(), Is.EqualTo(lastGuest).Within(TimeSpan.FromMilliseconds(5)));

        // The 30 members settle in 30 s while every guest waits: three rows in four are done, yet the run is
        // no nearer its end than the clock says (a settle rate would promise ten seconds).
        for (var i = 0; i < 30; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            progress.Settle(PersonKind.Member);
        }

        Assert.That(progress.TimeLeft(), Is.EqualTo(lastGuest - TimeSpan.FromSeconds(30)).Within(TimeSpan.FromMilliseconds(5)));
    }

    [Test]
    public async Task AGuestLaneHeldByA429NamingNoCap_WaitsOutTheHold_WhileTheMembersGoOn()
    {
        var gate = Gate();
        var progress = new RunProgress(12, gate, _time);
        Plan(progress, invalid: 0, guests: 2, members: 10);

        // The first guest create is refused for an hour, naming no cap: guests wait the hour, members go on.
        var turn = gate.WaitTurnAsync(RequestScope.GuestCreate, CancellationToken.None).AsTask();
        var (ticket, _, _) = await turn.WaitAsync(TimeSpan.FromSeconds(5));
        var refusal = new ApiResponse(429, "", TimeSpan.FromHours(1), default);
        gate.Observe(ticket, refusal, ResponseClassifier.Classify(refusal));

        Assert.That(progress.TimeLeft(), Is.EqualTo(TimeSpan.FromHours(1) + (Spacing * 2)).Within(TimeSpan.FromMilliseconds(5)), "the held lane, not the members' ten slots");
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(Spacing);
            progress.Settle(PersonKind.Member);
        }

        Assert.That(progress.TimeLeft(), Is.EqualTo(TimeSpan.FromHours(1) - (Spacing * 10) + (Spacing * 2)).Within(TimeSpan.FromMilliseconds(5)));
    }

    [Test]
    public void EachKindsTime_CountsTheTurnsOfTheOtherKinds_UntilItsLastRequest()
    {
        // A Workday export's mix: 191 guests and 391 members. Turn by turn, the last guest goes after 382 slots
        // (each guest and a member beside it), the last member after all 582 (what summary.json's estimates say).
        var times = Gate().TimesFor(new Dictionary<RequestScope, long> { [RequestScope.GuestCreate] = 191, [RequestScope.MemberInvite] = 391 });

        Assert.That(times[RequestScope.GuestCreate], Is.EqualTo(Spacing * 382).Within(TimeSpan.FromMilliseconds(50)));
        Assert.That(times[RequestScope.MemberInvite], Is.EqualTo(Spacing * 582).Within(TimeSpan.FromMilliseconds(50)));
    }

    [Test]
    public void RowsNotYetRead_AreCountedInTheShareOfEachKindPlannedSoFar()
    {
        var progress = new RunProgress(1_000, Gate(), _time);
        Plan(progress, invalid: 20, guests: 20, members: 60);

        Assert.That(progress.Unsettled(), Is.EqualTo(new Dictionary<PersonKind, long> { [PersonKind.Guest] = 200, [PersonKind.Member] = 600 }));
        Assert.That(progress.TimeLeft(), Is.EqualTo(Spacing * 800).Within(TimeSpan.FromMilliseconds(50)));
    }

    [Test]
    public void WithoutAGate_TheRowsSettledSoFarTellTheRate()
    {
        var progress = new RunProgress(100, gate: null, _time);
        progress.Settle(null);
        Assert.That(progress.TimeLeft(), Is.Null, "a rate needs a moment of settling");

        for (var i = 0; i < 9; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            progress.Settle(null);
        }

        // Ten rows in 2.25 s: the other 90 in 20.25 s.
        Assert.That(progress.TimeLeft(), Is.EqualTo(TimeSpan.FromSeconds(20.25)).Within(TimeSpan.FromMilliseconds(5)));
    }

    private RequestGate Gate() => new(new DeliveryOptions { RequestsPerMinute = 60 }, _time, NullLogger.Instance);

    /// <summary>Plans the rows interleaved: an invalid row, then guests and members in turn.</summary>
    private static void Plan(RunProgress progress, int invalid, int guests, int members)
    {
        var (i, g, m) = (0, 0, 0);
        while (i < invalid || g < guests || m < members)
        {
            if (i < invalid)
            {
                progress.Planned(null);
                i++;
            }

            if (g < guests)
            {
                progress.Planned(PersonKind.Guest);
                g++;
            }

            if (m < members)
            {
                progress.Planned(PersonKind.Member);
                m++;
            }
        }
    }
}
