using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using BulkOnboard.Configuration;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BulkOnboard.Reporting;

/// <summary>What a notification says about one run or watched file.</summary>
internal sealed record RunReport(string Event, string File, string Command, int ExitCode, int Total, IReadOnlyDictionary<string, int> Counts, string? Problem,
    string? Results, string? Failed, string? Summary, long? RunId)
{
    public static RunReport Of(RunSummary summary) => new("run_finished", Path.GetFileName(summary.InputFile), summary.Command, summary.ExitCode, summary.Total,
        new Dictionary<string, int>
        {
            ["created"] = summary.Created, ["invited"] = summary.Invited, ["updated"] = summary.Updated, ["skipped"] = summary.Skipped,
            ["invalid"] = summary.Invalid, ["failed"] = summary.Failed, ["not_attempted"] = summary.NotAttempted, ["valid"] = summary.Valid,
            ["deactivated"] = summary.Deactivated ?? 0, ["removed"] = summary.Removed ?? 0, ["held"] = summary.Held ?? 0, ["cancelled"] = summary.Cancelled,
        }.Where(c => c.Value > 0).ToDictionary(), summary.StoppedBecause, summary.Reports?.Results, summary.Reports?.Failed, summary.Reports?.Summary, summary.RunId);

    /// <summary>A file that could not be run at all (unreadable, bad mapping): exit 1 and why.</summary>
    public static RunReport Unreadable(string file, string command, string why) =>
        new("run_finished", Path.GetFileName(file), command, ExitCodes.NothingSent, 0, new Dictionary<string, int>(), why, null, null, null, null);

    /// <summary>A source a gate refused: exit 6 and why (one line, no secret).</summary>
    public static RunReport Refused(string source, string command, string why) =>
        new("source_refused", source, command, ExitCodes.SourceRefused, 0, new Dictionary<string, int>(), why, null, null, null, null);

    public string Title => Event == "stale_inbox"
        ? $"BulkOnboard: {Problem}"
        : $"BulkOnboard {Command} of {File}: exit code {ExitCode}{ExitCode switch
        {
            0 => " (all rows done)",
            1 => " (nothing was sent)",
            2 => " (some rows need attention)",
            3 => " (stopped midway)",
            4 => " (another run held the journal)",
            5 => " (leavers held by a guard)",
            6 => " (source refused: nothing was sent)",
            _ => string.Empty,
        }}";

    public string CountsLine => Counts.Count == 0 ? "no rows" : $"{Total} rows: " + string.Join(", ", Counts.Select(c => $"{c.Value} {c.Key}"));
}

/// <summary>
/// Tells someone how an unattended run went (<c>Notify:*</c>): a webhook (plain JSON, Slack or Teams) and/or
/// an e-mail with <c>failed.csv</c> attached, when there were problems (default) or always. Each channel is
/// tried three times within a few seconds; a notification that cannot be delivered is logged (without
/// its address or password) and never changes the run's result.
/// </summary>
internal sealed class RunNotifier(IOptions<NotifyOptions> options, IHttpClientFactory httpClients, TimeProvider timeProvider, ILogger<RunNotifier> logger)
{
    public const string HttpClientName = "BulkOnboard.Notify";

    private const int Attempts = 3;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>After a run: sends when <c>Notify:When</c> says so.</summary>
    public Task NotifyAsync(RunReport report, CancellationToken cancellationToken) =>
        options.Value.IsConfigured && (options.Value.Always || report.ExitCode != ExitCodes.Success) ? SendAsync(report, cancellationToken) : Task.CompletedTask;

    /// <summary>A problem of the watch service (a file filed under failed/ or kept to retry, the service stopping), whatever the exit code. Always sent (when a channel is configured).</summary>
    public Task AlertAsync(RunReport report, CancellationToken cancellationToken) =>
        options.Value.IsConfigured ? SendAsync(report, cancellationToken) : Task.CompletedTask;

    /// <summary><c>Watch:ExpectFileEvery</c>: no file arrived in time. Always sent (when a channel is configured).</summary>
    public Task AlertStaleAsync(string inbox, TimeSpan expected, DateTimeOffset? lastFile, CancellationToken cancellationToken) =>
        options.Value.IsConfigured
            ? SendAsync(new RunReport("stale_inbox", inbox, "watch", ExitCodes.Success, 0, new Dictionary<string, int>(),
                $"no file arrived in {inbox} for {Delivery.Durations.Describe(expected)} (Watch:ExpectFileEvery); last file {(lastFile is { } at ? at.ToString("u", CultureInfo.InvariantCulture) : "none since the service started")}",
                null, null, null, null), cancellationToken)
            : Task.CompletedTask;

    private async Task SendAsync(RunReport report, CancellationToken cancellationToken)
    {
        var notify = options.Value;
        if (!string.IsNullOrWhiteSpace(notify.Webhook.Url))
        {
            await TryAsync("webhook", () => PostAsync(notify.Webhook, report, cancellationToken), notify.Webhook.Url, cancellationToken);
        }

        if (!string.IsNullOrWhiteSpace(notify.Smtp.Host))
        {
            await TryAsync("e-mail", () => MailAsync(notify.Smtp, report, cancellationToken), notify.Smtp.Password, cancellationToken);
        }
    }

    private async Task TryAsync(string channel, Func<Task> send, string? secret, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                await send();
                logger.LogInformation("Notification sent by {Channel}", channel);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var why = string.IsNullOrEmpty(secret) ? ex.Message : ex.Message.Replace(secret, "***", StringComparison.Ordinal);
                if (attempt == Attempts)
                {
                    logger.LogWarning("Notification by {Channel} could not be delivered after {Attempts} attempts ({Why}); the run's result stands", channel, Attempts, why);
                    return;
                }

                logger.LogDebug("Notification by {Channel} failed ({Why}); trying again", channel, why);
                await Task.Delay(options.Value.RetryDelay * attempt, timeProvider, cancellationToken);
            }
        }
    }

    private async Task PostAsync(WebhookOptions webhook, RunReport report, CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(HttpClientName);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10), timeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        // Bytes, not JsonContent: JsonContent streams chunked, without Content-Length, and a receiver
        // that reads the length (small scripts, some proxies) would see an empty body.
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(WebhookBody(webhook.Format, report), Json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var response = await http.PostAsync(webhook.Url, content, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the webhook answered HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    /// <summary>The body in the chosen format: BulkOnboard's JSON, a Slack incoming-webhook message, or a Teams workflow's Adaptive Card.</summary>
    internal static object WebhookBody(string format, RunReport report) => format.Trim().ToLowerInvariant() switch
    {
        "slack" => (object)new Dictionary<string, object>
        {
            ["text"] = $"{report.Title}\n{report.CountsLine}",
            ["blocks"] = new object[]
            {
                new Dictionary<string, object> { ["type"] = "header", ["text"] = new Dictionary<string, object> { ["type"] = "plain_text", ["text"] = Truncate(report.Title, 150) } },
                new Dictionary<string, object> { ["type"] = "section", ["text"] = new Dictionary<string, object> { ["type"] = "mrkdwn", ["text"] = Details(report, markdown: true) } },
            },
        },
        "teams" => new Dictionary<string, object>
        {
            ["type"] = "message",
            ["attachments"] = new object[]
            {
                new Dictionary<string, object?>
                {
                    ["contentType"] = "application/vnd.microsoft.card.adaptive",
                    ["contentUrl"] = null,
                    ["content"] = new Dictionary<string, object>
                    {
                        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                        ["type"] = "AdaptiveCard",
                        ["version"] = "1.4",
                        ["body"] = new object[]
                        {
                            new Dictionary<string, object> { ["type"] = "TextBlock", ["text"] = report.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
                            new Dictionary<string, object>
                            {
                                ["type"] = "FactSet",
                                ["facts"] = Facts(report).Select(f => new Dictionary<string, object> { ["title"] = f.Name, ["value"] = f.Value }).ToArray(),
                            },
                        },
                    },
                },
            },
        },
        _ => new Dictionary<string, object?>
        {
            ["event"] = report.Event, ["command"] = report.Command, ["file"] = report.File, ["exit_code"] = report.ExitCode, ["total"] = report.Total,
            ["counts"] = report.Counts, ["problem"] = report.Problem, ["run_id"] = report.RunId,
            ["reports"] = report.Results is null ? null : new Dictionary<string, string?> { ["results"] = report.Results, ["failed"] = report.Failed, ["summary"] = report.Summary },
        },
    };

    private async Task MailAsync(SmtpOptions smtp, RunReport report, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From!));
        foreach (var to in smtp.To!.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = report.Title;
        var body = new BodyBuilder { TextBody = $"{report.Title}\n\n{Details(report, markdown: false)}", HtmlBody = Html(report) };
        if (report.Failed is { } failed && File.Exists(failed))
        {
            await body.Attachments.AddAsync(failed, cancellationToken);
        }

        message.Body = body.ToMessageBody();
        using var client = new SmtpClient { Timeout = 15_000 };
        var security = !smtp.UseTls ? SecureSocketOptions.None : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await client.ConnectAsync(smtp.Host!, smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    private static IEnumerable<(string Name, string Value)> Facts(RunReport report)
    {
        yield return ("file", report.File);
        yield return ("exit code", report.ExitCode.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, count) in report.Counts)
        {
            yield return (name, count.ToString(CultureInfo.InvariantCulture));
        }

        if (report.Problem is { } problem)
        {
            yield return (report.Event switch { "stale_inbox" => "alert", "source_refused" => "refused because", _ => "stopped because" }, problem);
        }

        if (report.Failed is { } failed)
        {
            yield return ("rows to fix", failed);
        }

        if (report.Results is { } results)
        {
            yield return ("results", results);
        }
    }

    private static string Details(RunReport report, bool markdown) =>
        string.Join("\n", Facts(report).Select(f => markdown ? $"*{f.Name}*: {f.Value}" : $"{f.Name}: {f.Value}"));

    private static string Html(RunReport report)
    {
        var html = new StringBuilder($"<h2>{WebUtility.HtmlEncode(report.Title)}</h2><table>");
        foreach (var (name, value) in Facts(report))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th align=\"left\">{WebUtility.HtmlEncode(name)}</th><td>{WebUtility.HtmlEncode(value)}</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
