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
