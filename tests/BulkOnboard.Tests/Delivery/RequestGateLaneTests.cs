using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Delivery;

/// <summary>The gate's lanes on a fake clock: turns go round the kinds that may go, first come first served within a kind.</summary>
public class RequestGateLaneTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task Turns_GoRoundTheKinds_NotToWhoeverAskedFirst_AndInOrderWithinAKind()
    {
        var gate = Gate();
        Answer(gate, await Next(gate, [gate.WaitTurnAsync(RequestScope.Read, CancellationToken.None).AsTask()]));

        // Six invites ask first, then three guest creates: each kind gets every other turn while both wait (the
        // turns go round the kinds in a fixed order, after a read's turn guest creates come first).
        var waiting = new List<(string Name, Task<(GateTicket Ticket, string? Refusal, bool ScopeOnly)> Turn)>();
        for (var i = 0; i < 6; i++)
        {
            waiting.Add(($"m{i}", gate.WaitTurnAsync(RequestScope.MemberInvite, CancellationToken.None).AsTask()));
            await Settle();
        }

        for (var i = 0; i < 3; i++)
        {
            waiting.Add(($"g{i}", gate.WaitTurnAsync(RequestScope.GuestCreate, CancellationToken.None).AsTask()));
            await Settle();
        }

        var order = await Order(gate, waiting);

        Assert.That(order, Is.EqualTo(new[] { "g0", "m0", "g1", "m1", "g2", "m2", "m3", "m4", "m5" }));
    }

    [Test]
    public async Task AKindHeldByItsCap_IsPassedOver_ThenHasTheNextTurnWhenItReopens_AheadOfThoseWhoWaitedLonger()
    {
        var gate = Gate();
        var now = _time.GetUtcNow();
        // A guest cap of 1 a minute, used 55 s ago: guests reopen in 5 s (and the margin every learned window keeps).
        var reopens = now - TimeSpan.FromSeconds(55) + RateLimitLearner.Widen(TimeSpan.FromMinutes(1));
        gate.Remember([new LearnedCap(RequestScope.GuestCreate, new ApiLimit(1, TimeSpan.FromMinutes(1), "earlier run"), [now - TimeSpan.FromSeconds(55)], now)]);
        Answer(gate, await Next(gate, [gate.WaitTurnAsync(RequestScope.Read, CancellationToken.None).AsTask()]));

        var guest = gate.WaitTurnAsync(RequestScope.GuestCreate, CancellationToken.None).AsTask();
        await Settle();
        var invites = Enumerable.Range(0, 200).Select(_ => gate.WaitTurnAsync(RequestScope.MemberInvite, CancellationToken.None).AsTask()).ToList();
        await Settle();
        Assert.That(gate.Waiting[RequestScope.MemberInvite], Is.EqualTo(200));

        // The invites go on while the guest waits for its cap.
        while (_time.GetUtcNow() < reopens - Spacing)
        {
            _time.Advance(Spacing);
            await Settle();
            Assert.That(guest.IsCompleted, Is.False);
        }

        var invitedBefore = invites.Count(t => t.IsCompleted);
        for (var i = 0; i < 5 && !guest.IsCompleted; i++)
        {
            _time.Advance(Spacing);
            await Settle();
        }

        var (ticket, refusal, _) = await guest.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(refusal, Is.Null);
        Assert.That(ticket.SentAt, Is.InRange(reopens, reopens + (2 * Spacing)), "the guest goes at the first turn after its cap reopens");
        Assert.That(invitedBefore, Is.GreaterThan(30), "the invites were not held by the guest's cap");
        Assert.That(invites.Count(t => t.IsCompleted), Is.LessThanOrEqualTo(invitedBefore + 1), "no invite that waited longer took the guest's turn");
    }

    [Test]
    public async Task ARequestThatStopsWaiting_LeavesItsLane_AndTheOneBehindItGoes()
    {
        var gate = Gate();
        Answer(gate, await Next(gate, [gate.WaitTurnAsync(RequestScope.Read, CancellationToken.None).AsTask()]));
        using var stop = new CancellationTokenSource();
        var first = gate.WaitTurnAsync(RequestScope.Write, stop.Token).AsTask();
        var second = gate.WaitTurnAsync(RequestScope.Write, CancellationToken.None).AsTask();
        await Settle();

        await stop.CancelAsync();
        _time.Advance(Spacing);
        await Settle();

        Assert.That(async () => await first, Throws.InstanceOf<OperationCanceledException>());
        var (ticket, refusal, _) = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That((refusal, ticket.Scope, gate.Waiting.Values.Sum()), Is.EqualTo(((string?)null, RequestScope.Write, 0)));
    }

    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(100 * RateLimitLearner.Margin);

    private RequestGate Gate() => new(new DeliveryOptions { RequestsPerMinute = 600 }, _time, NullLogger.Instance);

    /// <summary>Advances the clock a slot at a time until one of <paramref name="turns"/> goes; returns its ticket.</summary>
    private async Task<GateTicket> Next(RequestGate gate, IReadOnlyList<Task<(GateTicket Ticket, string? Refusal, bool ScopeOnly)>> turns)
    {
        for (var i = 0; i < 50 && !turns.Any(t => t.IsCompleted); i++)
        {
            _time.Advance(Spacing);
            await Settle();
        }

        var done = turns.Where(t => t.IsCompleted).ToList();
        Assert.That(done, Has.Count.EqualTo(1), "one request per slot");
        return (await done[0]).Ticket;
    }

    /// <summary>The names of <paramref name="waiting"/> in the order the gate let them go, one slot at a time.</summary>
    private async Task<List<string>> Order(RequestGate gate, List<(string Name, Task<(GateTicket Ticket, string? Refusal, bool ScopeOnly)> Turn)> waiting)
    {
        var order = new List<string>();
        while (order.Count < waiting.Count)
        {
            var left = waiting.Where(w => !order.Contains(w.Name)).ToList();
            var ticket = await Next(gate, [.. left.Select(w => w.Turn)]);
            order.Add(left.Single(w => w.Turn.IsCompleted && w.Turn.Result.Ticket == ticket).Name);
        }

        return order;
    }

    private static void Answer(RequestGate gate, GateTicket ticket)
    {
        var response = new ApiResponse(200, "", null, default);
        gate.Observe(ticket, response, ResponseClassifier.Classify(response));
    }

    /// <summary>Lets continuations that the fake clock released run.</summary>
    private static Task Settle() => Task.Delay(20);
}
