namespace BulkOnboard.Delivery;

/// <summary>Counters for the summary, shared by all workers.</summary>
internal sealed class DeliveryStats
{
    private long _requests;
    private long _retries;
    private long _rateLimited;

    public long Requests => Interlocked.Read(ref _requests);

    public long Retries => Interlocked.Read(ref _retries);

    public long RateLimited => Interlocked.Read(ref _rateLimited);

    public void CountRequest() => Interlocked.Increment(ref _requests);

    public void CountRetry() => Interlocked.Increment(ref _retries);

    public void CountRateLimited() => Interlocked.Increment(ref _rateLimited);
}
