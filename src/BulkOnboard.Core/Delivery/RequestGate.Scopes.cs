using BulkOnboard.Configuration;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Delivery;

/// <summary>
/// The gate's holds and caps by kind of request (<see cref="RequestScope"/>): what a 429 holds, the caps
/// learned or remembered (<see cref="ScopedCaps"/>), and the estimate before the first request.
/// </summary>
internal sealed partial class RequestGate
{
    /// <summary>Caps learned on one kind of request, with the sends they counted: what the journal keeps for the next run.</summary>
    public List<LearnedCap> LearnedCaps()
    {
        lock (_lock)
        {
            return _caps.Snapshot(_time.GetUtcNow());
        }
    }

    /// <summary>Caps an earlier run learned, and the pace its 429s taught: used from this run's first request.</summary>
    public void Remember(IEnumerable<LearnedCap> caps, ApiLimit? pace = null)
    {
        lock (_lock)
        {
            foreach (var cap in caps)
            {
                _caps.Seed(cap);
            }

            if (pace is not null)
            {
                _learner.Seed(pace);
            }
        }
    }

    /// <summary>The pace every request keeps since a burst throttle was met (learned from 429s), for the journal.</summary>
    public ApiLimit? LearnedPace
    {
        get
        {
            lock (_lock)
            {
                return _learner.RefusedPace;
            }
        }
    }

    /// <summary>How long <paramref name="count"/> requests of <paramref name="scope"/> take from now, under the pace and what is known of its cap.</summary>
    public TimeSpan Estimate(RequestScope scope, int count)
    {
        var perSecond = SustainedPerSecond;
        lock (_lock)
        {
            return _caps.Estimate(scope, count, perSecond, _time.GetUtcNow());
        }
    }

    /// <summary>When the last request of <paramref name="scope"/> went out, if one did.</summary>
    public DateTimeOffset? LastSentAt(RequestScope scope)
    {
        lock (_lock)
        {
            return _caps.LastSent(scope);
        }
    }

    /// <summary>The cap known for <paramref name="scope"/>, if any.</summary>
    public ApiLimit? CapOn(RequestScope scope)
    {
        lock (_lock)
        {
            return _caps.Limits.FirstOrDefault(c => c.Scope == scope).Limit;
        }
    }

    /// <summary>Holds on one kind of request in force now (for <c>/healthz</c> and the progress display).</summary>
    public IReadOnlyList<(RequestScope Scope, DateTimeOffset Until, string Reason)> ScopedHolds
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                return [.. Enum.GetValues<RequestScope>().Select(s => (s, hold: _caps.HoldOn(s, now))).Where(x => x.hold is not null)
                    .Select(x => (x.s, x.hold!.Value.Until, x.hold.Value.Reason))];
            }
        }
    }

    /// <summary>A 429: held where it applies (see the class summary), and learned from.</summary>
    private void Refused(GateTicket ticket, ApiResponse response, ApiVerdict verdict, DateTimeOffset now)
    {
        var retry = verdict.RetryAfter is { } r ? $", Retry-After {r.TotalSeconds:0.#} s" : ", no Retry-After";
        if (CapNotice.TryParse(response.Body) is { } notice)
        {
            _sent.MarkRefused(ticket.SentAt);
            _caps.Refused(ticket.Scope, ticket.SentAt, notice, verdict.RetryAfter, now);
            return;
        }

        var wait = verdict.RetryAfter ?? (response.RateLimit is { Remaining: 0, Reset: { } reset } ? reset : RateLimitLearner.DefaultRateLimitPause);
        if (wait <= ShortThrottle || response.RateLimit is { IsEmpty: false })
        {
            // A burst throttle of a few seconds (or an allowance the headers describe): everyone waits it out.
            wait = _learner.Refused(ticket, response.RateLimit, verdict.RetryAfter, now);
            HoldUntil(now + wait, $"waiting for the API's allowance (429{retry})", outage: false, now);
            return;
        }

        // A long 429 that names nothing: its kind waits; once a second kind is refused as well, the limit is shared and everyone waits.
        _sent.MarkRefused(ticket.SentAt);
        var othersHeld = Enum.GetValues<RequestScope>().Any(s => s != ticket.Scope && _caps.HoldOn(s, now) is { Reason: var why } && why.StartsWith(UnnamedHold, StringComparison.Ordinal));
        if (othersHeld)
        {
            // Everyone waits now: the kinds' own holds end here, so the wait is counted once.
            foreach (var scope in Enum.GetValues<RequestScope>().Where(s => _caps.HoldOn(s, now) is { Reason: var why } && why.StartsWith(UnnamedHold, StringComparison.Ordinal)))
            {
                _caps.EndHold(scope, now);
            }

            HoldUntil(now + wait, $"waiting for the API's allowance (429{retry}; refused for more than one kind of request: the limit is shared)", outage: false, now);
        }
        else
        {
            _caps.Hold(ticket.Scope, now + wait, $"{UnnamedHold}{retry}): {ticket.Scope.Describe()} wait (other requests go on unless they are refused too)", now);
        }
    }

    /// <summary>A 429 asking for no more than this is a burst throttle: it holds everyone.</summary>
    public static readonly TimeSpan ShortThrottle = TimeSpan.FromSeconds(10);

    private const string UnnamedHold = "429 naming no cap (";
}
