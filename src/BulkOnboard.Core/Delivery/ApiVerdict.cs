namespace BulkOnboard.Delivery;

/// <summary>What an API response means for the row that was sent.</summary>
public enum ApiVerdictKind
{
    /// <summary>2xx: the person was created or invited.</summary>
    Succeeded,

    /// <summary>422 about the email only (taken, exists): nothing to do.</summary>
    AlreadyExists,

    /// <summary>The API refused this row for good (422 on another field, other 4xx).</summary>
    Rejected,

    /// <summary>408 or 5xx: may work if tried again.</summary>
    Transient,

    /// <summary>429: every worker pauses, then this row is tried again.</summary>
    RateLimited,

    /// <summary>401/403: the token is bad; no further row can succeed.</summary>
    Unauthorized,

    /// <summary>402, or a 409 about seats or the plan: the account cannot take more people; no further row can succeed.</summary>
    AccountLimit,
}

/// <summary>A classified response.</summary>
public readonly record struct ApiVerdict(ApiVerdictKind Kind, int Status, string? TallyfyId, string? Message, TimeSpan? RetryAfter)
{
    public bool IsRetryable => Kind is ApiVerdictKind.Transient or ApiVerdictKind.RateLimited;
}
