using Microsoft.Extensions.Logging;

namespace BulkOnboard.Delivery;

/// <summary>
/// What the API's answers teach about its limits, never assuming a window the server did not state or
/// show: windows it declares (<c>RateLimit-Policy</c>); a stated limit's window from the resets it
/// announces; the allowance it says is left until its reset; and, from a 429, the window and count it
/// just enforced. A pace learned from 429s alone is probed one higher after a quiet period; one the
/// server states is never stepped below. Used under the <see cref="RequestGate"/>'s lock, on the times it passes in.
/// </summary>
internal sealed class RateLimitLearner(SendLog sent, ILogger logger)
{
    /// <summary>A learned window is mirrored this much wider: our send times are not the server's arrival times.</summary>
    public const double Margin = 1.015;

    /// <summary>Windows up to this long are paced evenly; longer ones are met by stopping at the wall (no 429 needed).</summary>
    public static readonly TimeSpan ShortWindow = TimeSpan.FromSeconds(10);

    /// <summary>A 429 that asks for no more than this is a short window's (per second, say), whatever its header rounding.</summary>
    private static readonly TimeSpan ShortRetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>The longest Retry-After a burst throttle asks for ("a few seconds at a time", TALLYFY-API.md).</summary>
    private static readonly TimeSpan BurstThrottle = TimeSpan.FromSeconds(10);

    /// <summary>How long all wait after a 429 that says nothing about when to come back.</summary>
    public static readonly TimeSpan DefaultRateLimitPause = TimeSpan.FromSeconds(5);

    /// <summary>How long a pace learned from 429s alone goes unrefused before it is probed one higher.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(1);

    /// <summary>The longest a refused probe's quiet period grows: a throttle met once in this long costs a few seconds of it.</summary>
    public static readonly TimeSpan LongestQuiet = TimeSpan.FromMinutes(32);

    private readonly Dictionary<string, ApiLimit> _limits = new(StringComparer.Ordinal);
    private PaceProbe _probe = PaceProbe.Start;

    // The limit the server last stated (X-RateLimit-Limit, RateLimit-Limit): a probe never goes past it.
    private int? _stated;
    private TimeSpan _longestReset;
    private Allowance? _allowance;

    public IEnumerable<ApiLimit> Limits => _limits.Values;

    public static TimeSpan Widen(TimeSpan window) => (window * Margin) + TimeSpan.FromMilliseconds(5);

    /// <summary>What one answer's headers say.</summary>
    public void Learn(GateTicket ticket, RateLimitHeaders headers, DateTimeOffset now)
    {
        if (headers.IsEmpty)
        {
            return;
        }

        foreach (var policy in headers.Policies ?? [])
        {
            Remember($"policy {policy.Window.TotalSeconds}", new ApiLimit(policy.Requests, policy.Window, "RateLimit-Policy"));
        }

        _stated = headers.Limit is > 0 ? headers.Limit : _stated;
        if (headers is { Limit: > 0 and var limit, Reset: { } reset } && headers.Policies is not { Count: > 0 })
        {
            // The server restarts the count at most a window after any answer: the longest reset seen is the window.
            _longestReset = reset > _longestReset ? reset : _longestReset;
            var window = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(_longestReset.TotalSeconds - 0.001)));
            Remember("stated", new ApiLimit(limit, window, $"{headers.Style}: limit and resets"));
        }

        if (headers is { Remaining: { } remaining, Reset: { } until } && (_allowance is null || ticket.Sequence >= _allowance.Value.Sequence))
        {
            _allowance = new Allowance(ticket.Sequence, ticket.Sequence + Math.Max(0, remaining), now + until, headers.Limit, until <= ShortRetryAfter);
        }
    }

    /// <summary>A 429 for the request of <paramref name="ticket"/>, whose answer states <paramref name="wait"/>: learns what it shows and says how long everyone waits.</summary>
    public TimeSpan Refused(GateTicket ticket, RateLimitHeaders headers, TimeSpan wait, DateTimeOffset now)
    {
        sent.MarkRefused(ticket.SentAt);
        if (headers.Policies is { Count: > 0 })
        {
            // The server declares its windows: a 429 then means others share the allowance, not a window unknown.
            return wait;
        }

        var refusedAt = ticket.SentAt;

        // A burst throttle of a few seconds with no headers (Tallyfy's per-user one): the pace that met it was
        // too much, whatever its Retry-After; learned as a short window is, so the pace comes down.
        if (wait <= ShortRetryAfter || (wait <= BurstThrottle && headers.IsEmpty))
        {
            // A short window refused this request: it held as many as it accepted in the second before.
            var window = TimeSpan.FromSeconds(1);
            var count = sent.CountAccepted(refusedAt - (window * 1.05), refusedAt);

            // Refused with the stated limit sent in that second: the edge of the stated window. A sliding window
            // counts arrivals, not our sends, so a pace at its limit meets a 429 now and then, and one request
            // may reach the server in a second we count as the one before: within one of the limit is at it.
            // The stated limit, Retry-After and the allowance govern; stepping below it would ratchet the pace
            // down at every edge. Refused with fewer sent, the count is learned, not the stated limit: its
            // window may be a minute.
            if (headers.Limit is > 0 and var stated && count >= stated - 1)
            {
                SetPace(new ApiLimit(stated, window, $"{headers.Style} and 429s"), now);
                return wait;
            }

            // Refused again at a pace already learned this way (a token bucket refills during the wait, so the
            // second before overstates it): that pace was too much, step down by one. By one, not halved: the
            // pace is what the server was seen to accept, so a refusal says one too many, not that the way is
            // congested; and a probe refused costs one step for one quiet period. Refused with fewer sent in
            // that second than the pace allows, or with one alone: a longer window refused it (it has its own
            // wait), not the pace; learning from it would crawl. A request sent before the pace last changed
            // was sent under the old one: its 429 says nothing of the new.
            if (_limits.TryGetValue(RefusedShort, out var learned))
            {
                if (count < learned.Requests || refusedAt < _probe.SetAt)
                {
                    return wait;
                }

                _probe = _probe.Refused();
                count = Math.Max(1, learned.Requests - 1);
            }
            else if (count < 2)
            {
                return wait;
            }

            SetPace(new ApiLimit(count, window, headers.Limit is null ? "429s: requests accepted in the second before" : $"{headers.Style} and 429s"), now);
        }
        else if (headers.Limit is > 0 and var limit && sent.NthAcceptedBefore(refusedAt, limit) is { } oldest)
        {
            // The window still holds the last `limit` requests; the oldest of them leaves it after Retry-After.
            Remember("refused long", new ApiLimit(limit, (refusedAt - oldest) + wait, $"{headers.Style} and Retry-After"));
        }

        return wait;
    }

    /// <summary>When request number <paramref name="sequence"/> may go at the earliest under what was learned, if later than no constraint.</summary>
    /// <remarks>Asked before every request: a pace learned from 429s whose quiet period has passed is first probed one higher.</remarks>
    public (DateTimeOffset At, string Reason)? NextAllowed(long sequence, DateTimeOffset now)
    {
        Probe(now);
        (DateTimeOffset At, string Reason)? next = null;
        foreach (var limit in _limits.Values)
        {
            if (limit.Requests <= sent.Count)
            {
                var at = sent.FromEnd(limit.Requests) + Widen(limit.Window);
                if (at > now && (next is null || at > next.Value.At))
                {
                    next = (at, $"{limit.Requests} requests per {Durations.Describe(limit.Window)}");
                }
            }
        }

        // The server says its allowance is spent until its reset. A short reset is rounded to whole
        // seconds by most servers: where a learned window already covers it, that window decides.
        if (_allowance is { } allowance && sequence > allowance.Through && allowance.Until > now
            && !(allowance.Short && _limits.Values.Any(l => l.Requests == allowance.Limit))
            && (next is null || allowance.Until > next.Value.At))
        {
            next = (allowance.Until, "the API says its allowance is spent until its reset");
        }

        return next;
    }

    /// <summary>The pace 429s taught (a burst throttle met): what the next run of this organization starts from.</summary>
    public ApiLimit? RefusedPace => _limits.GetValueOrDefault(RefusedShort);

    /// <summary>A pace an earlier run learned from 429s: kept from the first request, stepped down again if refused, probed up after a quiet period.</summary>
    public void Seed(ApiLimit pace) => (_limits[RefusedShort], _probe) = (pace, PaceProbe.Start);

    private const string RefusedShort = "refused short";

    /// <summary>
    /// After a quiet period with no 429 against it, a pace learned from 429s alone goes one higher (additive
    /// increase): a limit met once, or met by a run long ago, is not kept for ever. Never past a limit the
    /// server states: that one governs.
    /// </summary>
    private void Probe(DateTimeOffset now)
    {
        if (!_limits.TryGetValue(RefusedShort, out var pace) || (_stated is { } stated && pace.Requests >= stated))
        {
            return;
        }

        // A pace seeded from an earlier run is quiet from this run's first request.
        _probe = _probe.SetAt == DateTimeOffset.MinValue ? _probe with { SetAt = now } : _probe;
        if (now - _probe.SetAt < _probe.Quiet)
        {
            return;
        }

        var before = _probe;
        SetPace(pace with { Requests = pace.Requests + 1, Source = $"429s, probed one higher after {Durations.Describe(before.Quiet)} without one" }, now);
        _probe = before.Probed(now);
    }

    /// <summary>The pace learned from 429s changes: its quiet period starts again.</summary>
    private void SetPace(ApiLimit pace, DateTimeOffset now)
    {
        if (_limits.TryGetValue(RefusedShort, out var known) && known.Requests == pace.Requests && known.Window == pace.Window)
        {
            return;
        }

        Remember(RefusedShort, pace);
        _probe = _probe with { SetAt = now, Probing = false };
    }

    private void Remember(string key, ApiLimit limit)
    {
        if (_limits.TryGetValue(key, out var known) && known.Requests == limit.Requests && Math.Abs((known.Window - limit.Window).TotalSeconds) < 0.5)
        {
            return;
        }

        _limits[key] = limit;
        logger.LogInformation("API limit learned: {Limit}", limit);
    }

    /// <param name="Sequence">The request whose answer said it.</param>
    /// <param name="Through">The last request the allowance covers.</param>
    /// <param name="Short">Whether the reset was a couple of seconds at most, where header rounding blurs it.</param>
    private readonly record struct Allowance(long Sequence, long Through, DateTimeOffset Until, int? Limit, bool Short);

    /// <summary>
    /// The probing of a pace learned from 429s: since when it holds, how long it must go unrefused before it is
    /// probed one higher, and whether it is a probe on trial. A refused probe doubles the quiet period (up to
    /// <see cref="LongestQuiet"/>), so a real throttle is met ever more rarely; a probe that holds for its whole
    /// period brings the period back to <see cref="QuietPeriod"/>: the limit moved, so follow it.
    /// </summary>
    private readonly record struct PaceProbe(DateTimeOffset SetAt, TimeSpan Quiet, bool Probing)
    {
        public static PaceProbe Start => new(DateTimeOffset.MinValue, QuietPeriod, false);

        /// <summary>The pace was refused: if it was a probe's, the next probe waits twice as long.</summary>
        public PaceProbe Refused() => Probing ? this with { Quiet = Quiet * 2 < LongestQuiet ? Quiet * 2 : LongestQuiet } : this;

        /// <summary>A probe starts at <paramref name="now"/>; if the last one held, the next comes a first quiet period later.</summary>
        public PaceProbe Probed(DateTimeOffset now) => new(now, Probing ? QuietPeriod : Quiet, true);
    }
}
