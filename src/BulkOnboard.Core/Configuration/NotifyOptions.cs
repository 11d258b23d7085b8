using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>Who is told about a run, and when. Section <c>Notify</c> (PRODUCT.md, "Unattended runs").</summary>
internal sealed class NotifyOptions
{
    public const string Section = "Notify";

    /// <summary><c>problems</c> (default: only when the exit code is not 0) or <c>always</c>.</summary>
    public string When { get; set; } = "problems";

    public WebhookOptions Webhook { get; set; } = new();

    /// <summary>The pause before the second attempt of a notification (doubled before the third). Default 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public SmtpOptions Smtp { get; set; } = new();

    public bool Always => string.Equals(When?.Trim(), "always", StringComparison.OrdinalIgnoreCase);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Webhook.Url) || !string.IsNullOrWhiteSpace(Smtp.Host);
}

internal sealed class WebhookOptions
{
    /// <summary>Where the message is POSTed. None by default.</summary>
    public string? Url { get; set; }

    /// <summary><c>json</c> (default: BulkOnboard's own shape), <c>slack</c> (incoming webhook) or <c>teams</c> (Adaptive Card for a Teams workflow).</summary>
    public string Format { get; set; } = "json";
}

internal sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>STARTTLS (or TLS on connect for port 465). Default <c>true</c>.</summary>
    public bool UseTls { get; set; } = true;

    public string? Username { get; set; }

    /// <summary>From configuration or the environment (<c>Notify__Smtp__Password</c>) only; never logged.</summary>
    public string? Password { get; set; }

    public string? From { get; set; }

    /// <summary>Recipients, separated by <c>,</c> or <c>;</c>.</summary>
    public string? To { get; set; }
}

internal sealed class NotifyOptionsValidator : IValidateOptions<NotifyOptions>
{
    public ValidateOptionsResult Validate(string? name, NotifyOptions options)
    {
        var failures = new List<string>();
        if (options.When?.Trim().ToLowerInvariant() is not ("problems" or "always"))
        {
            failures.Add($"{Setting.Describe("Notify:When")} is '{options.When}'; use problems or always");
        }

        if (!string.IsNullOrWhiteSpace(options.Webhook.Url)
            && (!Uri.TryCreate(options.Webhook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            failures.Add($"{Setting.Describe("Notify:Webhook:Url")} is not an http(s) address");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Setting.Describe("Notify:RetryDelay")} must be between 0 and 00:01:00 (is {options.RetryDelay})");
        }

        if (options.Webhook.Format?.Trim().ToLowerInvariant() is not ("json" or "slack" or "teams"))
        {
            failures.Add($"{Setting.Describe("Notify:Webhook:Format")} is '{options.Webhook.Format}'; use json, slack or teams");
        }

        if (!string.IsNullOrWhiteSpace(options.Smtp.Host))
        {
            if (string.IsNullOrWhiteSpace(options.Smtp.From) || string.IsNullOrWhiteSpace(options.Smtp.To))
            {
                failures.Add($"e-mail notifications need {Setting.Describe("Notify:Smtp:From")} and {Setting.Describe("Notify:Smtp:To")}");
            }

            if (options.Smtp.Port is < 1 or > 65535)
            {
                failures.Add($"{Setting.Describe("Notify:Smtp:Port")} must be between 1 and 65535 (is {options.Smtp.Port})");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
