namespace BulkOnboard.Delivery;

/// <summary>
/// Whose failure it is: a row's attempts are spent on its own failures, not on an outage every request meets
/// before the <see cref="OutageBreaker"/> has seen enough to open (PRODUCT.md: "Outages cost no rows"); and, once
/// it has opened, the hold every worker waits and the probe that ends it.
/// </summary>
internal sealed partial class RequestGate
{
    private long _outageFailures;
    private int _targetProven;

    /// <summary>
    /// Whether a request through this gate has succeeded: Tallyfy answers at this address for this organization.
    /// Until then a refused connection or a stranger's 404 is a wrong setting that stops the run at once
    /// (<see cref="ResponseClassifier"/>); after, it is an outage, waited out up to <c>Delivery:GiveUpAfter</c>.
    /// </summary>
    public bool TargetProven => Volatile.Read(ref _targetProven) == 1;

    /// <summary>A request succeeded (<see cref="TargetProven"/>).</summary>
    public void ProveTarget() => Volatile.Write(ref _targetProven, 1);

    /// <summary>
    /// How the API looks when it is down for everyone: 5xx, 408, no answer. A 2xx that is not the endpoint's
    /// answer (a sign-in page) is retried, but spends the row's attempts: it is settled by reading back.
    /// </summary>
    public static bool IsDownLike(ApiVerdict verdict) => verdict.Kind is ApiVerdictKind.Transient or ApiVerdictKind.NoAnswer;

    /// <summary>Down-like failures (<see cref="IsDownLike"/>) of every request so far.</summary>
    public long OutageFailures => Interlocked.Read(ref _outageFailures);

    /// <summary>Now, on the gate's clock (what <see cref="RowAttempts.NoteOutage"/> stamps).</summary>
    public long Timestamp => _time.GetTimestamp();

    /// <summary>
    /// Whether a row whose attempts ran out on outage-like failures met an outage rather than its own error: no
    /// request has had a usable answer since its first such failure, and other requests failed the same way
    /// meanwhile. A row alone, or one failing while others succeed, fails for its own errors.
    /// </summary>
    public bool IsEveryonesOutage(RowAttempts attempts) =>
        attempts.FirstOutageAt is { } first
        && Interlocked.Read(ref _lastAnswer) < first
        && OutageFailures - attempts.OutageFailuresAtFirst - (attempts.Outages - 1) > 0;

    /// <summary>Waits a break before a row whose attempts an outage used up starts another round (bounded by <c>Delivery:GiveUpAfter</c>).</summary>
    public Task WaitOutOutageAsync(CancellationToken cancellationToken)
    {
        var untilGiveUp = UntilGiveUp + TimeSpan.FromMilliseconds(1);
        var wait = _options.BreakDuration < untilGiveUp ? _options.BreakDuration : untilGiveUp;
        return Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), _time, cancellationToken);
    }

    /// <summary>The circuit breaker opened: every worker waits the break, but never past the give-up time.</summary>
    public void HoldForOutage(TimeSpan breakDuration, string reason)
    {
        var left = UntilGiveUp;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            HoldUntil(now + (left < breakDuration ? left : breakDuration), reason, outage: true, now);
        }
    }

    /// <summary>Waits a moment while another worker's probe finds out whether the API is back.</summary>
    public Task WaitForProbeAsync(TimeSpan? breakLeft, CancellationToken cancellationToken)
    {
        var wait = breakLeft is { } left && left > TimeSpan.Zero ? left : ProbeWait;
        var untilGiveUp = UntilGiveUp + TimeSpan.FromMilliseconds(1);
        return Task.Delay(wait < untilGiveUp ? wait : untilGiveUp, _time, cancellationToken);
    }
}
