namespace BulkOnboard.Delivery;

/// <summary>What came back from one HTTP request, read and scrubbed of secrets.</summary>
/// <param name="ServerDate">The server's <c>Date</c> header: its clock, for comparing with times it reports.</param>
internal sealed record ApiResponse(int Status, string Body, TimeSpan? RetryAfter, RateLimitHeaders RateLimit, DateTimeOffset? ServerDate = null)
{
    /// <summary>
    /// A listing's page, read as it streamed in (its <see cref="Body"/> is then empty); <c>null</c> for
    /// other requests, for an answer that is not a 2xx, and for a listing that could not be read (the body says why).
    /// </summary>
    public ListingPage? Listing { get; init; }

    /// <summary>The <c>Location</c> of a 3xx answer: where it pointed (redirects are never followed).</summary>
    public Uri? Location { get; init; }

    /// <summary>
    /// The answer as it came, before scrubbing: only for reading values out of it (an id, a guest's
    /// details, a group's lists), which scrubbing could change or break; never for a message or a log.
    /// <see cref="Body"/> is what may be shown.
    /// </summary>
    public string RawBody { get; init; } = Body;

    /// <summary>What the endpoint answers when it succeeds, as the request declared it: a 2xx that is not that is no success (<see cref="SuccessAnswer"/>).</summary>
    public AnswerShape Expected { get; init; }

    /// <summary>Tallyfy's <c>X-Request-Id</c>: the one thing its support can look a request up by.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Rate-limit headers (<c>Retry-After</c> among them) that came but were out of range or unreadable, and
    /// were ignored: <c>Retry-After: 0 (no wait)</c>. The gate warns once about each header.
    /// </summary>
    public IReadOnlyList<string>? IgnoredHeaders { get; init; }

    /// <summary>Whether a <c>Retry-After</c> came that says no usable wait (zero, past, absurd, unreadable).</summary>
    public bool RetryAfterIgnored => IgnoredHeaders?.Any(h => h.StartsWith("Retry-After:", StringComparison.Ordinal)) == true;
}
