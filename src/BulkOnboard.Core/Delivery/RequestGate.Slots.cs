namespace BulkOnboard.Delivery;

/// <summary>When the next request may go, and what holds it back beyond the pace (<see cref="HoldKind"/>).</summary>
internal sealed partial class RequestGate
{
    /// <summary>
    /// The first moment the next request (of <paramref name="scope"/>, when given) may go, and, when that is
    /// later than now, what it waits for, and the hold it is (<see cref="HoldKind.Cap"/>: on its kind alone), if
    /// it is more than the pace.
    /// </summary>
    private (DateTimeOffset Slot, string Reason, HoldKind? Hold) EarliestSlot(DateTimeOffset now, RequestScope? scope)
    {
        var slot = _nextSlot;
        var reason = "pacing";
        HoldKind? hold = null;
        if (_heldUntil > slot)
        {
            (slot, reason, hold) = (_heldUntil, _holdReason, _holdIsOutage ? HoldKind.Outage : HoldKind.RateLimit);
        }

        if (_learner.NextAllowed(_sequence + 1, now) is { } allowed && allowed.At > slot)
        {
            (slot, reason, hold) = (allowed.At, $"waiting for the API's allowance ({allowed.Reason})", HoldKind.RateLimit);
        }

        if (scope is { } kind && _caps.NextAllowed(kind, now) is { } capped && capped.At > slot)
        {
            (slot, reason, hold) = (capped.At, $"waiting for the API's allowance for {kind.Describe()} ({capped.Reason})", HoldKind.Cap);
        }

        return (slot, reason, hold);
    }
}
