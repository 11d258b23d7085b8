namespace BulkOnboard.Delivery;

/// <summary>What came back from one HTTP request, read and scrubbed of secrets.</summary>
/// <param name="ServerDate">The server's <c>Date</c> header: its clock, for comparing with times it reports.</param>
public sealed record ApiResponse(int Status, string Body, TimeSpan? RetryAfter, RateLimitHeaders RateLimit, DateTimeOffset? ServerDate = null);
