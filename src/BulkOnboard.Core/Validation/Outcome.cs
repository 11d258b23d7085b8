namespace BulkOnboard.Validation;

/// <summary>
/// The fate of one input row (PRODUCT.md, "Outcomes"). Validation settles the first ones (invalid, a repeat,
/// filtered), the plan, delivery and the journal the rest; the reports write them.
/// </summary>
public enum Outcome
{
    Created,
    Invited,
    Updated,
    Skipped,
    Invalid,
    Failed,
    NotAttempted,
    Valid,

    /// <summary><c>sync</c>: a member who left the roster was deactivated.</summary>
    Deactivated,

    /// <summary><c>sync</c>: a guest who left the roster was removed from the organization.</summary>
    Removed,

    /// <summary><c>sync</c>: a leaver action a safety guard kept back.</summary>
    Held,

    /// <summary>A dated action not due yet (a hire starting later than the lead time, a leaver whose end date is ahead); the message gives the due time.</summary>
    Scheduled,

    /// <summary>A scheduled hire a later file from the same source withdrew (no longer listed, or listed without a start date): never sent on the old date.</summary>
    Cancelled,
}

/// <summary>The words reports use for outcomes and skip reasons.</summary>
internal static class Outcomes
{
    public const string AlreadyExists = "already_exists";
    public const string DuplicateInFile = "duplicate_in_file";
    public const string AlreadyDone = "already_done";
    public const string Unchanged = "unchanged";
    public const string NotUpdatable = "not_updatable";
    public const string Filtered = "filtered";

    /// <summary><c>scheduled</c>: a joiner whose start is further away than the lead time.</summary>
    public const string StartsLater = "starts_later";

    /// <summary><c>skipped</c> by an import: the person's end date has passed; nobody is invited to leave.</summary>
    public const string Ended = "ended";

    /// <summary><c>scheduled</c>: a leaver action due at the end of the person's last day.</summary>
    public const string EndsLater = "ends_later";

    /// <summary><c>valid</c> (<c>validate</c>): an import would create this guest now.</summary>
    public const string WouldCreate = "would_create";

    /// <summary><c>valid</c> (<c>validate</c>): an import would invite this member now.</summary>
    public const string WouldInvite = "would_invite";

    /// <summary><c>cancelled</c>: the later file no longer lists the scheduled hire (or only on a row its filters leave out, or as the other kind).</summary>
    public const string NotListed = "not_listed";

    /// <summary><c>cancelled</c>: the later file lists the scheduled hire without a start date.</summary>
    public const string NoStartDate = "no_start_date";

    public static string ToReportWord(this Outcome outcome) => outcome switch
    {
        Outcome.Created => "created",
        Outcome.Invited => "invited",
        Outcome.Updated => "updated",
        Outcome.Skipped => "skipped",
        Outcome.Invalid => "invalid",
        Outcome.Failed => "failed",
        Outcome.NotAttempted => "not_attempted",
        Outcome.Valid => "valid",
        Outcome.Deactivated => "deactivated",
        Outcome.Removed => "removed",
        Outcome.Held => "held",
        Outcome.Scheduled => "scheduled",
        Outcome.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    /// <summary>Rows that the failed-rows file lists for the user to fix and feed back.</summary>
    public static bool NeedsAttention(this Outcome outcome) => outcome is Outcome.Invalid or Outcome.Failed or Outcome.NotAttempted;
}
