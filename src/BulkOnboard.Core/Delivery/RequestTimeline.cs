namespace BulkOnboard.Delivery;

/// <summary>Why a kind of request waited longer than its pace (what the HTML report's timeline shows).</summary>
internal enum HoldKind
{
    /// <summary>The API's allowance: a 429 holding everyone, or a learned limit spent.</summary>
    RateLimit,

    /// <summary>A hold on this kind alone: its cap (Tallyfy's hourly guest cap) spent, or a long 429 on it.</summary>
    Cap,

    /// <summary>The API down: the outage breaker's break.</summary>
    Outage,
}

/// <summary>One slice of a run's time: per kind of request (<see cref="RequestScope"/>), how many were sent, answered 429, and how long each kind was held.</summary>
internal sealed record TimelineBucket(long[] Sent, long[] RateLimited, long[][] HeldMs);

/// <summary>
/// A run's requests over time, at the resolution its length allows: <see cref="TimelineBucket"/>s of equal width
/// from <see cref="Origin"/> (the run's first request or hold). Kinds are indexed by <see cref="RequestScope"/>,
/// holds by <see cref="HoldKind"/>.
/// </summary>
internal sealed record TimelineSnapshot(DateTimeOffset Origin, TimeSpan BucketWidth, IReadOnlyList<TimelineBucket> Buckets)
{
    public long Sent(RequestScope scope) => Buckets.Sum(b => b.Sent[(int)scope]);

    public long RateLimited(RequestScope scope) => Buckets.Sum(b => b.RateLimited[(int)scope]);

    /// <summary>How long <paramref name="scope"/> was held, any reason, each slice counted at most its width (waits of several workers overlap).</summary>
    public long HeldMs(RequestScope scope) => Buckets.Sum(b => HeldMs(b, scope));

    /// <summary>How long <paramref name="scope"/> was held in <paramref name="bucket"/>, any reason, at most its width.</summary>
    public long HeldMs(TimelineBucket bucket, RequestScope scope) =>
        Math.Min((long)BucketWidth.TotalMilliseconds, bucket.HeldMs[(int)scope].Sum());

    /// <summary>The kinds the run sent or held, in <see cref="RequestScope"/> order.</summary>
    public IEnumerable<RequestScope> Kinds => Enum.GetValues<RequestScope>().Where(s => Sent(s) > 0 || HeldMs(s) > 0);
}

/// <summary>
/// Records a run's requests by kind, their 429s and the kinds' holds in a fixed number of time slices: when the
/// run outlasts them, neighbours are merged and each slice covers twice the time. Memory stays the same whether
/// the run sends ten requests or a million. Safe for every worker of the run.
/// </summary>
internal sealed class RequestTimeline
{
    /// <summary>The most slices kept (the first width is <see cref="FirstWidth"/>; it doubles as needed).</summary>
    public const int MaxBuckets = 120;

    public static readonly TimeSpan FirstWidth = TimeSpan.FromMilliseconds(250);

    private static readonly int Kinds = Enum.GetValues<RequestScope>().Length;
    private static readonly int HoldKinds = Enum.GetValues<HoldKind>().Length;

    private readonly Lock _lock = new();
    private readonly long[,] _sent = new long[MaxBuckets, Kinds];
    private readonly long[,] _rateLimited = new long[MaxBuckets, Kinds];
    private readonly long[,,] _heldMs = new long[MaxBuckets, Kinds, HoldKinds];
    private DateTimeOffset? _origin;
    private long _widthMs = (long)FirstWidth.TotalMilliseconds;
    private int _used;

    /// <summary>A request of <paramref name="scope"/> went out at <paramref name="at"/>.</summary>
    public void Sent(RequestScope scope, DateTimeOffset at)
    {
        lock (_lock)
        {
            _sent[Slot(at), (int)scope]++;
        }
    }

    /// <summary>A request of <paramref name="scope"/> sent at <paramref name="at"/> was answered 429.</summary>
    public void RateLimited(RequestScope scope, DateTimeOffset at)
    {
        lock (_lock)
        {
            _rateLimited[Slot(at), (int)scope]++;
        }
    }

    /// <summary><paramref name="scope"/> was held from <paramref name="from"/> to <paramref name="to"/>, for <paramref name="why"/>.</summary>
    public void Held(RequestScope scope, HoldKind why, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return;
        }

        lock (_lock)
        {
            _origin ??= from;
            var start = Math.Max(0, (long)(from - _origin.Value).TotalMilliseconds);
            var end = (long)(to - _origin.Value).TotalMilliseconds;
            if (end <= start)
            {
                return;
            }

            // Room up to its last millisecond: a hold ending on a slice's edge opens no empty slice.
            _ = Slot(_origin.Value + TimeSpan.FromMilliseconds(end - 1));
            while (start < end)
            {
                var slot = (int)(start / _widthMs);
                var slotEnd = Math.Min(end, (slot + 1) * _widthMs);
                _heldMs[slot, (int)scope, (int)why] += slotEnd - start;
                start = slotEnd;
            }
        }
    }

    public TimelineSnapshot Snapshot()
    {
        lock (_lock)
        {
            var buckets = Enumerable.Range(0, _used).Select(i => new TimelineBucket(
                [.. Enumerable.Range(0, Kinds).Select(k => _sent[i, k])],
                [.. Enumerable.Range(0, Kinds).Select(k => _rateLimited[i, k])],
                [.. Enumerable.Range(0, Kinds).Select(k => Enumerable.Range(0, HoldKinds).Select(h => _heldMs[i, k, h]).ToArray())])).ToList();
            return new TimelineSnapshot(_origin ?? DateTimeOffset.MinValue, TimeSpan.FromMilliseconds(_widthMs), buckets);
        }
    }

    /// <summary>The slice <paramref name="at"/> falls in, merging slices until it fits (under the lock).</summary>
    private int Slot(DateTimeOffset at)
    {
        _origin ??= at;
        var offset = Math.Max(0, (long)(at - _origin.Value).TotalMilliseconds);
        while (offset / _widthMs >= MaxBuckets)
        {
            Halve();
        }

        var slot = (int)(offset / _widthMs);
        _used = Math.Max(_used, slot + 1);
        return slot;
    }

    /// <summary>Merges each pair of neighbouring slices: half as many, each twice as wide.</summary>
    private void Halve()
    {
        for (var i = 0; i < MaxBuckets; i++)
        {
            for (var k = 0; k < Kinds; k++)
            {
                var (a, b) = (2 * i, (2 * i) + 1);
                _sent[i, k] = a < MaxBuckets ? _sent[a, k] + (b < MaxBuckets ? _sent[b, k] : 0) : 0;
                _rateLimited[i, k] = a < MaxBuckets ? _rateLimited[a, k] + (b < MaxBuckets ? _rateLimited[b, k] : 0) : 0;
                for (var h = 0; h < HoldKinds; h++)
                {
                    _heldMs[i, k, h] = a < MaxBuckets ? _heldMs[a, k, h] + (b < MaxBuckets ? _heldMs[b, k, h] : 0) : 0;
                }
            }
        }

        _widthMs *= 2;
        _used = (_used + 1) / 2;
    }
}
