namespace BulkOnboard.Delivery;

/// <summary>What came back from one HTTP request, read and scrubbed of secrets.</summary>
public sealed record ApiResponse(int Status, string Body, TimeSpan? RetryAfter, RateLimitHeaders RateLimit);

/// <summary>The <c>X-RateLimit-*</c> headers, when the API sent them.</summary>
public readonly record struct RateLimitHeaders(int? Limit, int? Remaining);
