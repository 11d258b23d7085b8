using Microsoft.Extensions.Options;

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

internal sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var failures = new List<string>();
        if (options.RequestsPerMinute is < 1 or > 600_000)
        {
            failures.Add($"{Setting.Describe("Delivery:RequestsPerMinute")} must be between 1 and 600000 (is {options.RequestsPerMinute})");
        }

        if (options.MaxConcurrency is < 1 or > 256)
        {
            failures.Add($"{Setting.Describe("Delivery:MaxConcurrency")} must be between 1 and 256 (is {options.MaxConcurrency})");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add($"{Setting.Describe("Delivery:MaxAttempts")} must be between 1 and 100 (is {options.MaxAttempts})");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromDays(1))
        {
            failures.Add($"{Setting.Describe("Delivery:Timeout")} must be positive and at most a day, such as 00:00:30");
        }

        if (options.GiveUpAfter <= TimeSpan.Zero)
        {
            failures.Add($"{Setting.Describe("Delivery:GiveUpAfter")} must be positive, such as 00:10:00");
        }

        if (options.BreakDuration < TimeSpan.FromMilliseconds(500) || options.BreakDuration > TimeSpan.FromDays(1))
        {
            failures.Add($"{Setting.Describe("Delivery:BreakDuration")} must be between 00:00:00.5 and 1.00:00:00, such as 00:00:30");
        }

        if (options.MaxRateLimitWait < TimeSpan.Zero || options.MaxRateLimitWait > TimeSpan.FromDays(7))
        {
            failures.Add($"{Setting.Describe("Delivery:MaxRateLimitWait")} must be between 00:00:00 and 7.00:00:00, such as 02:00:00");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryBaseDelay)
        {
            failures.Add($"{Setting.Describe("Delivery:RetryBaseDelay")} must be at least zero and at most Delivery:MaxRetryDelay");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
