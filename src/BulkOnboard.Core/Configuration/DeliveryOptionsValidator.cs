using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>The start-up checks of <see cref="DeliveryOptions"/>: a setting out of range stops the command with one line naming it.</summary>
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
