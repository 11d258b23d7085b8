namespace BulkOnboard.Delivery;

/// <summary>
/// When this run's recent requests went out, oldest first, and which of them the API refused with a
/// 429: what the <see cref="RequestGate"/> measures a learned window against. A ring: the oldest times
/// are forgotten once <see cref="Capacity"/> newer ones are held.
/// </summary>
internal sealed class SendLog
{
    /// <summary>The most sends remembered; a learned limit larger than this is not mirrored.</summary>
    public const int Capacity = 20_000;

    private readonly DateTimeOffset[] _times = new DateTimeOffset[Capacity];
    private readonly Queue<DateTimeOffset> _refused = new();
    private long _count;

    /// <summary>Sends recorded and still remembered.</summary>
    public int Count => (int)Math.Min(_count, Capacity);

    public void Add(DateTimeOffset sentAt) => _times[_count++ % Capacity] = sentAt;

    /// <summary>The <paramref name="n"/>-th most recent send (1 is the latest).</summary>
    public DateTimeOffset FromEnd(int n) => _times[(_count - n) % Capacity];

    /// <summary>Remembers that the send made at <paramref name="sentAt"/> was refused (the last thousand are kept).</summary>
    public void MarkRefused(DateTimeOffset sentAt)
    {
        _refused.Enqueue(sentAt);
        if (_refused.Count > 1000)
        {
            _refused.Dequeue();
        }
    }

    /// <summary>Sends in [<paramref name="from"/>, <paramref name="to"/>) that were not refused.</summary>
    public int CountAccepted(DateTimeOffset from, DateTimeOffset to)
    {
        var sent = 0;
        for (var n = 1; n <= Count && FromEnd(n) >= from; n++)
        {
            if (FromEnd(n) < to)
            {
                sent++;
            }
        }

        return Math.Max(0, sent - _refused.Count(t => t >= from && t < to));
    }

    /// <summary>When the <paramref name="n"/>-th most recent accepted send before <paramref name="before"/> went out, if remembered.</summary>
    public DateTimeOffset? NthAcceptedBefore(DateTimeOffset before, int n)
    {
        var refused = _refused.Where(t => t < before).ToHashSet();
        var seen = 0;
        for (var i = 1; i <= Count; i++)
        {
            var time = FromEnd(i);
            if (time >= before || refused.Remove(time))
            {
                continue;
            }

            if (++seen == n)
            {
                return time;
            }
        }

        return null;
    }
}
