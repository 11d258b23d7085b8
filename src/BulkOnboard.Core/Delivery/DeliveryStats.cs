namespace BulkOnboard.Delivery;

/// <summary>Counters for the summary, shared by all workers, and the run's <see cref="RequestTimeline"/> beside them.</summary>
internal sealed class DeliveryStats
{
    private long _requests;
    private long _retries;
    private long _rateLimited;

    public long Requests => Interlocked.Read(ref _requests);

    public long Retries => Interlocked.Read(ref _retries);

    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>The same requests and 429s by kind and over time, with the kinds' holds (the HTML report's timeline).</summary>
    public RequestTimeline Timeline { get; } = new();

    public void CountRequest(RequestScope scope, DateTimeOffset at)
    {
        Interlocked.Increment(ref _requests);
        Timeline.Sent(scope, at);
    }

    public void CountRetry() => Interlocked.Increment(ref _retries);

    public void CountRateLimited(RequestScope scope, DateTimeOffset sentAt)
    {
        Interlocked.Increment(ref _rateLimited);
        Timeline.RateLimited(scope, sentAt);
    }
}
