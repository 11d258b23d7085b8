namespace BulkOnboard.Sandbox;

/// <summary>
/// The sandbox's server-side limit: a token bucket (by default ten seconds' worth of requests),
/// refilled continuously, as an API gateway would run it.
/// </summary>
internal sealed class SandboxRateLimiter(int requestsPerMinute, int burst, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private readonly double _capacity = burst > 0 ? burst : Math.Max(1, requestsPerMinute / 6.0);
    private readonly double _perSecond = requestsPerMinute / 60.0;
    private double _tokens = burst > 0 ? burst : Math.Max(1, requestsPerMinute / 6.0);
    private long _last = timeProvider.GetTimestamp();

    public int Limit => requestsPerMinute;

    /// <summary>Takes a token, or says how long until one is free; also what is left.</summary>
    public (bool Allowed, TimeSpan RetryAfter, int Remaining) TryTake()
    {
        lock (_lock)
        {
            var now = timeProvider.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + (timeProvider.GetElapsedTime(_last, now).TotalSeconds * _perSecond));
            _last = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return (true, TimeSpan.Zero, (int)_tokens);
            }

            return (false, TimeSpan.FromSeconds((1 - _tokens) / _perSecond), 0);
        }
    }
}
