using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Delivery;

/// <summary>The run's timeline of requests: bounded whatever the run's length, nothing lost in merging, and fed by the gate's holds.</summary>
public class RequestTimelineTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void AMillionRequestsOverTenHours_KeepAtMostItsSlices_AndAddUpExactly()
    {
        var timeline = new RequestTimeline();
        var tenHours = TimeSpan.FromHours(10);
        for (var i = 0; i < 1_000_000; i++)
        {
            var at = Start + (tenHours * i / 1_000_000);
            timeline.Sent(i % 7 == 0 ? RequestScope.GuestCreate : RequestScope.MemberInvite, at);
            if (i % 1000 == 0)
            {
                timeline.RateLimited(RequestScope.GuestCreate, at);
            }
        }

        timeline.Held(RequestScope.GuestCreate, HoldKind.Cap, Start + TimeSpan.FromHours(1), Start + TimeSpan.FromHours(2));
        var snapshot = timeline.Snapshot();

        Assert.That(snapshot.Buckets, Has.Count.LessThanOrEqualTo(RequestTimeline.MaxBuckets).And.Count.GreaterThan(RequestTimeline.MaxBuckets / 2));
        Assert.That(snapshot.BucketWidth * snapshot.Buckets.Count, Is.GreaterThanOrEqualTo(tenHours));
        Assert.That(snapshot.Sent(RequestScope.GuestCreate) + snapshot.Sent(RequestScope.MemberInvite), Is.EqualTo(1_000_000));
        Assert.That(snapshot.Sent(RequestScope.GuestCreate), Is.EqualTo((1_000_000 + 6) / 7));
        Assert.That(snapshot.RateLimited(RequestScope.GuestCreate), Is.EqualTo(1000));
        Assert.That(snapshot.HeldMs(RequestScope.GuestCreate), Is.EqualTo((long)TimeSpan.FromHours(1).TotalMilliseconds));
        Assert.That(snapshot.Kinds, Is.EqualTo(new[] { RequestScope.GuestCreate, RequestScope.MemberInvite }));
    }

    [Test]
    public void AHold_IsSpreadOverTheSlicesItCovers_AndNeverCountsMoreThanASlice()
    {
        var w = (long)RequestTimeline.FirstWidth.TotalMilliseconds;
        var timeline = new RequestTimeline();
        timeline.Sent(RequestScope.Read, Start);
        timeline.Held(RequestScope.GuestCreate, HoldKind.Cap, Start + TimeSpan.FromMilliseconds(w / 2), Start + TimeSpan.FromMilliseconds((2 * w) + (w / 2)));
        // Two workers held at once by an outage: the slice is held once.
        timeline.Held(RequestScope.GuestCreate, HoldKind.Outage, Start + TimeSpan.FromMilliseconds(3 * w), Start + TimeSpan.FromMilliseconds(4 * w));
        timeline.Held(RequestScope.GuestCreate, HoldKind.Outage, Start + TimeSpan.FromMilliseconds(3 * w), Start + TimeSpan.FromMilliseconds(4 * w));

        var snapshot = timeline.Snapshot();

        Assert.That(snapshot.Buckets.Select(b => b.HeldMs[(int)RequestScope.GuestCreate][(int)HoldKind.Cap]), Is.EqualTo(new[] { w / 2, w, w / 2, 0 }));
        Assert.That(snapshot.HeldMs(RequestScope.GuestCreate), Is.EqualTo(3 * w));
        Assert.That(snapshot.HeldMs(RequestScope.Read), Is.Zero);
    }

    [Test]
    public async Task TheGate_RecordsTheGuestCapsHold_OnTheGuestLane_NotTheMembers()
    {
        var time = new FakeTimeProvider(Start);
        var gate = new RequestGate(new DeliveryOptions { RequestsPerMinute = 600 }, time, NullLogger.Instance);
        var timeline = new RequestTimeline();
        for (var i = 0; i < 5; i++)
        {
            Answer(gate, await Turn(gate, time, RequestScope.GuestCreate, timeline), 201);
        }

        var refused = await Turn(gate, time, RequestScope.GuestCreate, timeline);
        var response = new ApiResponse(429, """{"message": "You've reached the limit for Guest Invite (5 per minute per organization). Please try again later."}""", TimeSpan.FromSeconds(40), default);
        gate.Observe(refused, response, ResponseClassifier.Classify(response));
        var invite = await Turn(gate, time, RequestScope.MemberInvite, timeline);
        Answer(gate, invite, 201);
        var guest = await Turn(gate, time, RequestScope.GuestCreate, timeline, steps: 100, step: TimeSpan.FromSeconds(1));

        var snapshot = timeline.Snapshot();
        var held = snapshot.HeldMs(RequestScope.GuestCreate);
        Assert.That(guest.SentAt - refused.SentAt, Is.GreaterThan(TimeSpan.FromSeconds(30)), "the guest waited for its cap");
        Assert.That(held, Is.InRange((long)(guest.SentAt - refused.SentAt).TotalMilliseconds - 2000, (long)(guest.SentAt - refused.SentAt).TotalMilliseconds),
            "the guest lane is held from the 429 until its cap reopens");
        Assert.That(snapshot.Buckets.Sum(b => b.HeldMs[(int)RequestScope.GuestCreate][(int)HoldKind.Cap]), Is.EqualTo(held), "held by its cap");
        Assert.That(snapshot.HeldMs(RequestScope.MemberInvite), Is.Zero, "members are not held by the guests' cap");
    }

    private static async Task<GateTicket> Turn(RequestGate gate, FakeTimeProvider time, RequestScope scope, RequestTimeline timeline, int steps = 20, TimeSpan? step = null)
    {
        var turn = gate.WaitTurnAsync(scope, CancellationToken.None, timeline).AsTask();
        for (var i = 0; i < steps && !turn.IsCompleted; i++)
        {
            time.Advance(step ?? TimeSpan.FromMilliseconds(110));
            await Task.Delay(20);
        }

        var (ticket, refusal, _) = await turn.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(refusal, Is.Null);
        return ticket;
    }

    private static void Answer(RequestGate gate, GateTicket ticket, int status)
    {
        var response = new ApiResponse(status, "", null, default);
        gate.Observe(ticket, response, ResponseClassifier.Classify(response));
    }
}
