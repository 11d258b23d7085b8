namespace BulkOnboard.Delivery;

/// <summary>
/// What the gate tells the run, <c>summary.json</c> and <c>/healthz</c>: the limits learned, the time
/// held back, the pace allowed, what everyone waits for, and the give-up clock.
/// </summary>
internal sealed partial class RequestGate
{
    /// <summary>The limits learned so far, for <c>summary.json</c>: those of one kind of request say which.</summary>
    public IReadOnlyList<ApiLimit> Limits
    {
        get
        {
            lock (_lock)
            {
                return [.. _learner.Limits, .. _caps.Limits.Select(c => c.Limit with { Source = $"{c.Scope.ToWord()}: {c.Limit.Source}" })];
            }
        }
    }

    /// <summary>Time the run has spent held back by 429s and spent allowances, up to now (holds on one kind of request added up).</summary>
    public TimeSpan RateLimitWait
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                var ahead = !_holdIsOutage && _heldUntil > now ? _heldUntil - now : TimeSpan.Zero;
                return _rateLimitHeld - ahead + _caps.HeldSoFar(now);
            }
        }
    }

    /// <summary>The steady pace the gate allows now, in requests per second: the ceiling or the tightest learned limit.</summary>
    public double SustainedPerSecond
    {
        get
        {
            lock (_lock)
            {
                return Math.Min(1 / _ceilingSpacing.TotalSeconds, _learner.Limits.Select(l => l.PerSecond / RateLimitLearner.Margin).DefaultIfEmpty(double.MaxValue).Min());
            }
        }
    }

    /// <summary>What every worker is waiting for (or, failing that, the longest hold on one kind of request), and until when, while it lasts more than a second.</summary>
    public (DateTimeOffset Until, string Reason)? Hold
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                var (slot, reason, _) = EarliestSlot(now, null);
                if (slot - now > TimeSpan.FromSeconds(1))
                {
                    return (slot, reason);
                }

                var scoped = Enum.GetValues<RequestScope>().Select(s => _caps.HoldOn(s, now)).Where(h => h is not null).MaxBy(h => h!.Value.Until);
                return scoped is { } held && held.Until - now > TimeSpan.FromSeconds(1) ? held : null;
            }
        }
    }

    /// <summary>How long the API may still give no usable answer before the run stops (<c>Delivery:GiveUpAfter</c>).</summary>
    public TimeSpan UntilGiveUp => _options.GiveUpAfter - _time.GetElapsedTime(Interlocked.Read(ref _lastAnswer));

    /// <summary>Whether the API has given no usable answer for <c>Delivery:GiveUpAfter</c>.</summary>
    public bool IsPastGiveUp => UntilGiveUp <= TimeSpan.Zero;
}
