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
