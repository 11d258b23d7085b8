namespace BulkOnboard.Delivery;

/// <summary>What an API response, or the lack of one, means for the request that was sent.</summary>
internal enum ApiVerdictKind
{
    /// <summary>2xx with the endpoint's answer (<see cref="SuccessAnswer"/>): the person was created or invited, the change made.</summary>
    Succeeded,

    /// <summary>
    /// 2xx with something that is not the endpoint's answer (an error flag, a sign-in page, nothing): it may or
    /// may not have been applied. Never a success on faith: retried, then settled by reading back where Tallyfy can tell.
    /// </summary>
    Unconfirmed,

    /// <summary>422 about the email only (taken, exists): nothing to do.</summary>
    AlreadyExists,

    /// <summary>The API refused this row for good (422 on another field, other 4xx).</summary>
    Rejected,

    /// <summary>408 or 5xx: may work if tried again.</summary>
    Transient,

    /// <summary>No answer at all: the connection dropped, or none came within <c>Delivery:Timeout</c>.</summary>
    NoAnswer,

    /// <summary>429: flow control. Every worker waits for the API's allowance; the row is not at fault.</summary>
    RateLimited,

    /// <summary>401 (or no token to be had): the token is bad; no further row can succeed.</summary>
    Unauthorized,

    /// <summary>403: Tallyfy refused this one request (a permission or a business rule, such as a non-admin inviting an admin).</summary>
    Forbidden,

    /// <summary>409 about the seat pool: no member can be invited any more; guests take no seat.</summary>
    SeatsExhausted,

    /// <summary>402, or a 409 about the plan: the account cannot take more people; no further row can succeed.</summary>
    AccountLimit,

    /// <summary>
    /// The run is pointed at the wrong place: <c>404 ENDPOINT_NOT_FOUND</c> (a wrong base URL or a missing
    /// header), a 404 saying the organization is not found, the wrong-organization <c>403</c> (an application
    /// token for another organization); and, before any request has succeeded, a connection refused, no such
    /// host, a failed TLS handshake, or a 404 that is not Tallyfy's answer (<see cref="Delivery.WrongTarget"/>).
    /// No request of this run can succeed: it stops at once, and no row is failed for it.
    /// </summary>
    WrongTarget,

    /// <summary>403 naming SSO: with "Require SSO" on, manual member invites are blocked; guests go on.</summary>
    InvitesBlockedBySso,
}

/// <summary>A classified response (<see cref="ResponseClassifier"/>).</summary>
/// <param name="Status">The HTTP status; 0 when no answer came.</param>
internal readonly record struct ApiVerdict(ApiVerdictKind Kind, int Status, string? TallyfyId, string? Message, TimeSpan? RetryAfter)
{
    /// <summary>Tallyfy's <c>X-Request-Id</c> of the answer, when it came with one.</summary>
    public string? RequestId { get; init; }

    /// <summary>A seat-pool 409's <c>details.pool_type</c> (<c>full</c>: admin and standard, <c>light</c>), when it names one.</summary>
    public string? SeatPool { get; init; }

    /// <summary>Worth another attempt: a transient failure or no answer (a 429 is not an attempt; it is waited out).</summary>
    public bool IsRetryable => Kind is ApiVerdictKind.Transient or ApiVerdictKind.NoAnswer or ApiVerdictKind.Unconfirmed;

    /// <summary>How a down API looks: 5xx, 408, timeouts and dropped connections (what the circuit breaker counts).</summary>
    public bool IsOutageLike => IsRetryable;

    /// <summary>
    /// The request may have been applied without our learning it: no answer, a gateway error, or a 2xx that
    /// is not the endpoint's answer. A 503, a 408 and a 429 say the request was not processed.
    /// </summary>
    public bool MaybeApplied => Kind is ApiVerdictKind.NoAnswer or ApiVerdictKind.Unconfirmed || (Kind == ApiVerdictKind.Transient && Status is >= 500 and not 503);

    /// <summary>A real answer from the API, one that says it is up (a 429 included).</summary>
    public bool IsAnswer => !IsOutageLike;
}
