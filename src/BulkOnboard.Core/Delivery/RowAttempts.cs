namespace BulkOnboard.Delivery;

/// <summary>
/// One row's requests so far: how many got an answer other than a 429 or no answer at all (what the
/// report calls attempts), and whether one of them may have been applied without our learning it.
/// Touched by one worker at a time.
/// </summary>
internal sealed class RowAttempts
{
    /// <summary>Attempts this row has made, all its calls together (a create, a read, an update).</summary>
    public int Count { get; set; }

    /// <summary>When the first attempt that may have been applied unseen (no answer, a gateway error) started.</summary>
    public DateTimeOffset? FirstUnansweredAt { get; set; }

    public bool MaybeApplied => FirstUnansweredAt is not null;

    /// <summary>What the last failed attempt said, for the report's message.</summary>
    public string? LastError { get; set; }

    /// <summary>Tallyfy's <c>X-Request-Id</c> of the last answer this row had (for a support ticket).</summary>
    public string? LastRequestId { get; set; }

    /// <summary>When (the gate's timestamp) this row's first outage-like failure came, and how many the gate had counted then.</summary>
    public long? FirstOutageAt { get; private set; }

    public long OutageFailuresAtFirst { get; private set; }

    /// <summary>This row's outage-like failures since <see cref="FirstOutageAt"/>.</summary>
    public int Outages { get; private set; }

    /// <summary>Notes an outage-like failure of this row (see <see cref="RequestGate.IsEveryonesOutage"/>).</summary>
    public void NoteOutage(RequestGate gate)
    {
        if (FirstOutageAt is null)
        {
            FirstOutageAt = gate.Timestamp;
            OutageFailuresAtFirst = gate.OutageFailures;
        }

        Outages++;
    }

    /// <summary>A new round after an outage: its failures so far were everyone's.</summary>
    public void ForgetOutage()
    {
        FirstOutageAt = null;
        Outages = 0;
    }

    /// <summary>Records one attempt's verdict.</summary>
    public void Record(ApiVerdict verdict, DateTimeOffset startedAt)
    {
        Count++;
        LastRequestId = verdict.RequestId ?? LastRequestId;
        if (verdict.MaybeApplied)
        {
            FirstUnansweredAt ??= startedAt;
            LastError = verdict.Message;
        }
        else if (verdict.IsRetryable && FirstUnansweredAt is null)
        {
            LastError = verdict.Message;
        }
    }
}
