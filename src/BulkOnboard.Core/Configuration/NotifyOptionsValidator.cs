using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>The start-up checks of <see cref="NotifyOptions"/>: a setting out of range stops the command with one line naming it.</summary>
internal sealed class NotifyOptionsValidator : IValidateOptions<NotifyOptions>
{
    public ValidateOptionsResult Validate(string? name, NotifyOptions options)
    {
        var failures = new List<string>();
        if (options.When?.Trim().ToLowerInvariant() is not ("problems" or "always"))
        {
            failures.Add($"{Setting.Describe("Notify:When")} is '{options.When}'; use problems or always");
        }

        foreach (var (key, value) in new[] { ("Notify:Webhook:Url", options.Webhook.Url), ("Notify:Smtp:Host", options.Smtp.Host), ("Notify:Smtp:Username", options.Smtp.Username),
                     ("Notify:Smtp:Password", options.Smtp.Password), ("Notify:Smtp:From", options.Smtp.From), ("Notify:Smtp:To", options.Smtp.To) })
        {
            if (Input.SafeText.ControlProblem(value) is { } problem)
            {
                failures.Add($"{Setting.Describe(key)} {problem}; it is one line");
            }
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
        }

        if (options.Smtp.Port is < 1 or > 65535)
        {
            failures.Add($"{Setting.Describe("Notify:Smtp:Port")} must be between 1 and 65535 (is {options.Smtp.Port})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
