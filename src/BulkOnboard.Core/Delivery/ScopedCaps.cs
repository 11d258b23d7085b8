using Microsoft.Extensions.Logging;

namespace BulkOnboard.Delivery;

/// <summary>A cap on one kind of request, with the sends it counted: what the journal keeps between runs.</summary>
internal sealed record LearnedCap(RequestScope Scope, ApiLimit Limit, IReadOnlyList<DateTimeOffset> RecentSends, DateTimeOffset LearnedAt);

/// <summary>
/// Caps that hold one kind of request only (Tallyfy's hourly guest cap): each scope's own sends, the cap
/// learned for it, and the hold a 429 put on it. A cap is learned from evidence that holds: how many of
/// that kind were accepted before the refusal and when the server said it reopens, not from a short
/// <c>Retry-After</c> alone (a long window's last seconds look like a per-second window). Used under
/// the <see cref="RequestGate"/>'s lock.
/// </summary>
internal sealed class ScopedCaps(ILogger logger)
{
    /// <summary>The most sends of one kind remembered.</summary>
    private const int Remembered = 10_000;

    /// <summary>How long a refused kind waits when the 429 gives no <c>Retry-After</c> and the body no window.</summary>
    private static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(1);

    /// <summary><c>Retry-After</c> is whole seconds, rounded up: a reopening it announces may be this much late.</summary>
    private static readonly TimeSpan RetryAfterRounding = TimeSpan.FromSeconds(1);

    private readonly Dictionary<RequestScope, Cap> _caps = [];

    /// <summary>The caps learned (or remembered from earlier runs), by kind.</summary>
    public IEnumerable<(RequestScope Scope, ApiLimit Limit)> Limits =>
        _caps.Where(c => c.Value.Limit is not null).Select(c => (c.Key, c.Value.Limit!));

    /// <summary>A request of <paramref name="scope"/> went out at <paramref name="at"/>.</summary>
    public void Sent(RequestScope scope, DateTimeOffset at)
    {
        var cap = Of(scope);
        cap.Sends.Add(at);
        if (cap.Sends.Count > Remembered)
        {
            cap.Sends.RemoveRange(0, cap.Sends.Count - Remembered);
        }
    }

    /// <summary>When the last request of <paramref name="scope"/> went out, if one did.</summary>
    public DateTimeOffset? LastSent(RequestScope scope) => _caps.TryGetValue(scope, out var cap) && cap.Sends.Count > 0 ? cap.Sends[^1] : null;

    /// <summary>When the next request of <paramref name="scope"/> may go at the earliest, if later than now.</summary>
    public (DateTimeOffset At, string Reason)? NextAllowed(RequestScope scope, DateTimeOffset now)
    {
        if (!_caps.TryGetValue(scope, out var cap))
        {
            return null;
        }

        (DateTimeOffset At, string Reason)? next = cap.HeldUntil > now ? (cap.HeldUntil, cap.HoldReason) : null;
        if (cap.Limit is { } limit && cap.Sends.Count >= limit.Requests)
        {
            var at = cap.Sends[^limit.Requests] + RateLimitLearner.Widen(limit.Window);
            if (at > now && (next is null || at > next.Value.At))
            {
                next = (at, $"{limit.Requests} {scope.Describe()} per {Durations.Describe(limit.Window)}");
            }
        }

        return next;
    }

    /// <summary>The hold on <paramref name="scope"/>, if one is in force.</summary>
    public (DateTimeOffset Until, string Reason)? HoldOn(RequestScope scope, DateTimeOffset now) =>
        _caps.TryGetValue(scope, out var cap) && cap.HeldUntil > now ? (cap.HeldUntil, cap.HoldReason) : null;

    /// <summary>
    /// A 429 that names a cap, for a request of <paramref name="scope"/> sent at <paramref name="sentAt"/>:
    /// holds that kind until it reopens and learns the cap from the sends it accepted. Returns the wait.
    /// </summary>
    public TimeSpan Refused(RequestScope scope, DateTimeOffset sentAt, CapNotice notice, TimeSpan? retryAfter, DateTimeOffset now)
    {
        var cap = Of(scope);
        cap.Sends.Remove(sentAt);
        var wait = retryAfter ?? notice.Window ?? DefaultWait;
        var reopen = sentAt + wait;

        // The evidence: this kind's sends accepted since it last reopened, and no older than the window the body states.
        var since = cap.LastReopen ?? DateTimeOffset.MinValue;
        if (notice.Window is { } stated && sentAt - stated > since)
        {
            since = sentAt - stated;
        }

        var accepted = cap.Sends.Where(t => t >= since && t < sentAt).ToList();
        if (accepted.Count > 0)
        {
            // Retry-After comes in whole seconds, rounded up: a stated window the evidence matches within that is taken as stated.
            // Fewer accepted than the body states: the cap is the organization's, and others (people's
            // @mentions, other clients) spent the rest of this window. The stated figures stand; the
            // evidence alone would learn a cap too low, and remember it.
            var learned = notice.Requests is { } n && accepted.Count >= n
                ? new ApiLimit(n, notice.Window is { } window && reopen - accepted[^n] <= window + RetryAfterRounding ? window : Max(reopen - accepted[^n], notice.Window ?? TimeSpan.Zero),
                    $"the {notice.Name} cap's 429: its figures, checked against the {accepted.Count} accepted")
                : notice is { Requests: { } statedCount, Window: { } statedWindow }
                ? new ApiLimit(statedCount, statedWindow, $"the {notice.Name} cap's 429: its figures ({accepted.Count} accepted before it: the rest of the window was used elsewhere)")
                : new ApiLimit(accepted.Count, reopen - accepted[0], $"the {notice.Name} cap's 429: {accepted.Count} accepted before it, reopening after Retry-After");
            cap.LearnedAt = now;
            if (cap.Limit is null || cap.Limit.Requests != learned.Requests || Math.Abs((cap.Limit.Window - learned.Window).TotalSeconds) >= 1)
            {
                cap.Limit = learned;
                logger.LogInformation("API limit learned for {Scope}: {Limit}", scope.Describe(), learned);
            }
        }

        Hold(scope, reopen, $"{notice}: {scope.Describe()} wait (other requests go on)", now);
        cap.LastReopen = reopen;
        return wait;
    }

    /// <summary>Time the kinds of request have been held so far (each kind's holds added up).</summary>
    public TimeSpan HeldSoFar(DateTimeOffset now) =>
        _caps.Values.Aggregate(TimeSpan.Zero, (sum, cap) => sum + cap.Held - (cap.HeldUntil > now ? cap.HeldUntil - now : TimeSpan.Zero));

    /// <summary>Ends a kind's hold now (a hold on everyone took its place); the time it would still have lasted is not counted.</summary>
    public void EndHold(RequestScope scope, DateTimeOffset now)
    {
        if (_caps.TryGetValue(scope, out var cap) && cap.HeldUntil > now)
        {
            cap.Held -= cap.HeldUntil - now;
            cap.HeldUntil = now;
        }
    }

    /// <summary>Holds one kind of request until <paramref name="until"/>.</summary>
    public void Hold(RequestScope scope, DateTimeOffset until, string reason, DateTimeOffset now)
    {
        var cap = Of(scope);
        if (until <= cap.HeldUntil)
        {
            return;
        }

        cap.Held += until - (cap.HeldUntil > now ? cap.HeldUntil : now);
        (cap.HeldUntil, cap.HoldReason) = (until, reason);
        logger.LogWarning("{Reason}: until {Until:HH:mm:ss}, in {Wait}", reason, until.ToLocalTime(), Durations.Describe(until - now));
    }

    /// <summary>A cap remembered from an earlier run, with the sends it counted (so the window they started is not overrun).</summary>
    public void Seed(LearnedCap remembered)
    {
        var cap = Of(remembered.Scope);
        cap.Limit = remembered.Limit;
        cap.LearnedAt = remembered.LearnedAt;
        cap.Sends.InsertRange(0, remembered.RecentSends.Order());
        logger.LogInformation("API limit remembered for {Scope}: {Limit}, {Sends} of them sent within its window", remembered.Scope.Describe(), remembered.Limit, remembered.RecentSends.Count);
    }

    /// <summary>The caps to keep for the next run, each with its sends still within its window.</summary>
    public List<LearnedCap> Snapshot(DateTimeOffset now) =>
        [.. _caps.Where(c => c.Value.Limit is not null).Select(c => new LearnedCap(c.Key, c.Value.Limit!,
            [.. c.Value.Sends.Where(t => now - t < RateLimitLearner.Widen(c.Value.Limit!.Window))], c.Value.LearnedAt ?? now))];

    /// <summary>
    /// How long <paramref name="count"/> more requests of <paramref name="scope"/> take at <paramref name="perSecond"/>
    /// under its cap and hold (what the ETA before the first request says, and the time left of a kind).
    /// </summary>
    public TimeSpan Estimate(RequestScope scope, long count, double perSecond, DateTimeOffset now)
    {
        if (count <= 0)
        {
            return TimeSpan.Zero;
        }

        var spacing = TimeSpan.FromSeconds(1 / perSecond);
        _caps.TryGetValue(scope, out var cap);
        var at = cap is not null && cap.HeldUntil > now ? cap.HeldUntil : now;
        if (cap?.Limit is not { } limit)
        {
            return at - now + (spacing * count);
        }

        // Each send waits for its place in the window; past the first few windows the cap's steady pace (or the
        // pace, when slower) says the rest, so a million rows cost no more than these.
        var window = RateLimitLearner.Widen(limit.Window);
        var sends = new Queue<DateTimeOffset>(cap.Sends.Where(t => now - t < window).TakeLast(limit.Requests));
        var walked = Math.Min(count, SimulatedSends);
        for (var i = 0; i < walked; i++)
        {
            if (sends.Count >= limit.Requests)
            {
                var free = sends.Dequeue() + window;
                at = free > at ? free : at;
            }

            sends.Enqueue(at);
            at += spacing;
        }

        var steady = window / limit.Requests;
        return at - spacing - now + ((steady > spacing ? steady : spacing) * (count - walked));
    }

    /// <summary>How many sends of one kind <see cref="Estimate"/> walks through one by one.</summary>
    private const int SimulatedSends = 10_000;

    private Cap Of(RequestScope scope)
    {
        if (!_caps.TryGetValue(scope, out var cap))
        {
            _caps[scope] = cap = new Cap();
        }

        return cap;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Cap
    {
        public List<DateTimeOffset> Sends { get; } = [];

        public ApiLimit? Limit { get; set; }

        public DateTimeOffset HeldUntil { get; set; }

        public string HoldReason { get; set; } = string.Empty;

        /// <summary>When the cap was learned (by this run, or the earlier run it is remembered from).</summary>
        public DateTimeOffset? LearnedAt { get; set; }

        /// <summary>The holds put on this kind, added up.</summary>
        public TimeSpan Held { get; set; }

        /// <summary>When the last hold ended: the sends after it are the evidence of the next refusal.</summary>
        public DateTimeOffset? LastReopen { get; set; }
    }
}
