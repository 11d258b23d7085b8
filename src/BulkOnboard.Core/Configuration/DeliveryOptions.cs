namespace BulkOnboard.Configuration;

/// <summary>How fast and how persistently requests are sent. Section <c>Delivery</c>.</summary>
internal sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Client-side pace shared by all workers. Default 100 requests per minute.</summary>
    public int RequestsPerMinute { get; set; } = 100;

    /// <summary>Requests in flight at once. Default 4.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Attempts per row, the first included, for transient failures. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Time allowed for one attempt. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long requests in flight may finish after a shutdown request before the run abandons them
    /// (its hard stop): <see cref="Timeout"/> + 5 seconds. A host that stops the run must wait at least this long.
    /// </summary>
    public TimeSpan HardStopGrace => Timeout + TimeSpan.FromSeconds(5);

    /// <summary>How long an API outage may last before the run stops. Default 10 minutes.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long every request waits when most recent attempts failed (the API looks down) before one
    /// request probes it. Default 30 seconds.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest the run waits for the API's allowance (a 429's <c>Retry-After</c>, or a learned limit
    /// spent); a longer wait stops the run cleanly, the rest <c>not_attempted</c>. Default 2 hours.
    /// </summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromHours(2);

    /// <summary>First retry delay; each further retry doubles it, with jitter. Default 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts after a transient failure (a 5xx's <c>Retry-After</c> included; not a 429's). Default 2 minutes.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);
}
