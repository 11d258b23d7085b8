using BulkOnboard.Delivery;
using BulkOnboard.Input;

namespace BulkOnboard.Pipeline;

/// <summary>
/// Where one import stands, and the one estimate of the time it has left (the progress bar's and the
/// progress log's). Rows count as they settle, in whatever order: a guest held at its cap never holds back
/// the count of the members behind it. The time left is the gate's (<see cref="RequestGate.TimeFor"/>): the
/// rows of each kind still to be sent, at the pace, under each kind's cap and hold. Only a run without a
/// gate (<c>validate</c>) extrapolates from the rows settled so far. Safe for the flow's tasks and the display's timer.
/// </summary>
internal sealed class RunProgress(int expectedRows, RequestGate? gate, TimeProvider time)
{
    /// <summary>Before this long of settling, a settle rate says nothing worth showing.</summary>
    private static readonly TimeSpan RateSettles = TimeSpan.FromSeconds(1);

    private static readonly int Kinds = Enum.GetValues<PersonKind>().Length;

    private readonly long[] _toSend = new long[Kinds];
    private readonly long[] _sentSettled = new long[Kinds];
    private long _planned;
    private long _settled;
    private long _firstSettledAt;

    /// <summary>The rows the run expects, from its first pass over the file (<see cref="InputTable.ExpectedRows"/>).</summary>
    public int ExpectedRows => expectedRows;

    /// <summary>Rows settled so far, whatever their outcome and order.</summary>
    public long Settled => Interlocked.Read(ref _settled);

    /// <summary>A row was read and planned: to be sent as <paramref name="sends"/>, or (<c>null</c>) settled without a request.</summary>
    public void Planned(PersonKind? sends)
    {
        if (sends is { } kind)
        {
            Interlocked.Increment(ref _toSend[(int)kind]);
        }

        Interlocked.Increment(ref _planned);
    }

    /// <summary>A row settled; <paramref name="sent"/> is the kind it was planned to be sent as (<c>null</c>: it was not to be sent).</summary>
    public void Settle(PersonKind? sent)
    {
        if (sent is { } kind)
        {
            Interlocked.Increment(ref _sentSettled[(int)kind]);
        }

        if (Interlocked.Increment(ref _settled) == 1)
        {
            Interlocked.Exchange(ref _firstSettledAt, time.GetTimestamp());
        }
    }

    /// <summary>
    /// Rows of each kind still to be sent and settled: those planned and not yet settled, and of the rows not
    /// yet read (a file larger than the read window), the share of each kind among the rows planned so far.
    /// </summary>
    public IReadOnlyDictionary<PersonKind, long> Unsettled()
    {
        var planned = Interlocked.Read(ref _planned);
        var unread = Math.Max(0, expectedRows - planned);
        return Enum.GetValues<PersonKind>().ToDictionary(kind => kind, kind =>
        {
            var toSend = Interlocked.Read(ref _toSend[(int)kind]);
            var ahead = planned == 0 ? 0 : (long)Math.Round((double)unread * toSend / planned);
            return Math.Max(0, toSend - Interlocked.Read(ref _sentSettled[(int)kind])) + ahead;
        });
    }

    /// <summary>
    /// How long the rest of the run should take, or <c>null</c> when there is nothing to say: nothing left to
    /// send, no row planned yet, or (without a gate) too little settled to tell a rate.
    /// </summary>
    public TimeSpan? TimeLeft()
    {
        if (gate is not null)
        {
            if (Interlocked.Read(ref _planned) == 0)
            {
                return null;
            }

            var left = Unsettled().Where(k => k.Value > 0).ToDictionary(k => RequestScopes.Of(k.Key), k => k.Value);
            return left.Count == 0 ? null : gate.TimeFor(left);
        }

        // Nothing is known of a pace: the rows settled so far tell the rate.
        var settled = Settled;
        var rest = expectedRows - settled;
        var since = Interlocked.Read(ref _firstSettledAt);
        if (rest <= 0 || settled == 0 || since == 0)
        {
            return null;
        }

        var elapsed = time.GetElapsedTime(since);
        return elapsed < RateSettles ? null : elapsed * ((double)rest / settled);
    }
}
