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

    /// <summary>
    /// How long the requests still to go of each kind take from now, <paramref name="left"/> of each, kind by
    /// kind (until its last goes): the kinds share the pace, turn by turn (a kind's last request goes once it and
    /// every other kind, up to its own count, had their turns), and each keeps to its own cap and hold, whichever
    /// is longer; all of it after a hold on everyone (a 429, a spent allowance, an outage break), when one is in force.
    /// What the estimate before the first request says, and the run's time left (<see cref="TimeFor"/>).
    /// </summary>
    public Dictionary<RequestScope, TimeSpan> TimesFor(IReadOnlyDictionary<RequestScope, long> left)
    {
        var perSecond = SustainedPerSecond;
        var spacing = TimeSpan.FromSeconds(1 / perSecond);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var start = EarliestSlot(now, null).Slot;
            start = start > now ? start : now;
            var times = new Dictionary<RequestScope, TimeSpan>();
            foreach (var (scope, count) in left.Where(kind => kind.Value > 0))
            {
                var shared = spacing * left.Values.Sum(other => Math.Clamp(other, 0, count));
                var own = _caps.Estimate(scope, count, perSecond, start);
                times[scope] = start - now + (shared > own ? shared : own);
            }

            return times;
        }
    }

    /// <summary>How long the requests still to go take from now: the slowest kind's (<see cref="TimesFor"/>), the kinds running side by side.</summary>
    public TimeSpan TimeFor(IReadOnlyDictionary<RequestScope, long> left) => TimesFor(left).Values.DefaultIfEmpty(TimeSpan.Zero).Max();

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
        _refusedSince ??= ticket.SentAt;
        var retry = verdict.RetryAfter is { } r ? $", Retry-After {r.TotalSeconds:0.#} s" : response.RetryAfterIgnored ? ", Retry-After ignored: no usable wait" : ", no Retry-After";
        if (response.RetryAfterIgnored && !_unusableWaitLogged)
        {
            _unusableWaitLogged = true;
            _logger.LogWarning("Rate limited: the API answers 429 without a usable wait ({Header}); every request waits at least {Pause}, and the run stops once the API has refused it for "
                + "Delivery:MaxRateLimitWait ({MaxWait}) or given no usable answer for Delivery:GiveUpAfter ({GiveUp})",
                response.IgnoredHeaders!.First(h => h.StartsWith("Retry-After:", StringComparison.Ordinal)), Durations.Describe(RateLimitLearner.DefaultRateLimitPause),
                _options.MaxRateLimitWait, _options.GiveUpAfter);
        }

        if (CapNotice.TryParse(response.Body) is { } notice)
        {
            _sent.MarkRefused(ticket.SentAt);
            _caps.Refused(ticket.Scope, ticket.SentAt, notice, verdict.RetryAfter, now);
            return;
        }

        // The wait the answer states (Retry-After, else a spent allowance's reset), never nothing: a 429 that
        // states none waits the default pause, so 429s answered at once cannot loop at the pace.
        var stated = verdict.RetryAfter ?? (response.RateLimit is { Remaining: 0, Reset: { } reset } && reset > TimeSpan.Zero ? reset : null);
        var wait = stated ?? RateLimitLearner.DefaultRateLimitPause;
        if (wait <= ShortThrottle || response.RateLimit is { IsEmpty: false })
        {
            // A burst throttle of a few seconds (or an allowance the headers describe): everyone waits it out.
            wait = _learner.Refused(ticket, response.RateLimit, wait, now);
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

    /// <summary>
    /// How long the API will have refused every request, counted from the first 429 since its last other
    /// answer, when the next request goes at <paramref name="slot"/> held by a 429; <c>null</c> otherwise.
    /// </summary>
    private TimeSpan? RefusedStreak(DateTimeOffset slot) =>
        _refusedSince is { } since && !_holdIsOutage && slot <= _heldUntil ? slot - since : null;

    /// <summary>Warns about each rate-limit header out of range once (the gate's life), not at every answer.</summary>
    private void WarnOnce(IReadOnlyList<string>? ignored)
    {
        foreach (var header in ignored ?? [])
        {
            if (_warnedHeaders.Add(header[..header.IndexOf(':', StringComparison.Ordinal)]))
            {
                _logger.LogWarning("Ignored a rate-limit header out of range: {Header}; it is not used for pacing (further ones of this header are not logged)", header);
            }
        }
    }

    // The first 429 since the API last answered otherwise; cleared by any other answer.
    private DateTimeOffset? _refusedSince;
    private bool _unusableWaitLogged;
    private readonly HashSet<string> _warnedHeaders = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A 429 asking for no more than this is a burst throttle: it holds everyone.</summary>
    public static readonly TimeSpan ShortThrottle = TimeSpan.FromSeconds(10);

    private const string UnnamedHold = "429 naming no cap (";
}
