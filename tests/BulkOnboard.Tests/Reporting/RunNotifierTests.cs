using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using BulkOnboard.Watching;

namespace BulkOnboard.Tests.Reporting;

public class RunNotifierTests
{
    private static readonly RunReport Report = new("run_finished", "hires.csv", "import", 2, 10,
        new Dictionary<string, int> { ["created"] = 7, ["invalid"] = 3 }, null, "/r/hires.results.csv", "/r/hires.failed.csv", "/r/hires.summary.json", 4);

    [Test]
    public void Json_HoldsTheFileCountsAndExitCode()
    {
        using var body = Serialize("json");
        var root = body.RootElement;

        Assert.That((root.GetProperty("file").GetString(), root.GetProperty("exit_code").GetInt32(), root.GetProperty("counts").GetProperty("invalid").GetInt32()),
            Is.EqualTo(("hires.csv", 2, 3)));
        Assert.That(root.GetProperty("reports").GetProperty("failed").GetString(), Is.EqualTo("/r/hires.failed.csv"));
    }

    [Test]
    public void Slack_IsAnIncomingWebhookMessage()
    {
        // Slack's documented shape: "text" (the fallback, required with blocks), "blocks" of typed objects;
        // a header block takes plain_text of at most 150 characters, a section block mrkdwn text.
        using var body = Serialize("slack");
        var root = body.RootElement;

        Assert.That(root.GetProperty("text").GetString(), Does.Contain("hires.csv").And.Contain("exit code 2"));
        var blocks = root.GetProperty("blocks").EnumerateArray().ToList();
        Assert.That(blocks.Select(b => b.GetProperty("type").GetString()), Is.EqualTo(new[] { "header", "section" }));
        Assert.That(blocks[0].GetProperty("text").GetProperty("type").GetString(), Is.EqualTo("plain_text"));
        Assert.That(blocks[0].GetProperty("text").GetProperty("text").GetString()!.Length, Is.LessThanOrEqualTo(150));
        Assert.That(blocks[1].GetProperty("text").GetProperty("type").GetString(), Is.EqualTo("mrkdwn"));
        Assert.That(blocks[1].GetProperty("text").GetProperty("text").GetString(), Does.Contain("*invalid*: 3"));
    }

    [Test]
    public void Teams_IsAWorkflowMessageWithAnAdaptiveCard()
    {
        // Teams workflows ("Post to a channel when a webhook request is received") take
        // {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{AdaptiveCard}}]}.
        using var body = Serialize("teams");
        var root = body.RootElement;

        Assert.That(root.GetProperty("type").GetString(), Is.EqualTo("message"));
        var attachment = root.GetProperty("attachments").EnumerateArray().Single();
        Assert.That(attachment.GetProperty("contentType").GetString(), Is.EqualTo("application/vnd.microsoft.card.adaptive"));
        var card = attachment.GetProperty("content");
        Assert.That((card.GetProperty("type").GetString(), card.GetProperty("version").GetString()), Is.EqualTo(("AdaptiveCard", "1.4")));
        var body0 = card.GetProperty("body").EnumerateArray().ToList();
        Assert.That(body0.Select(b => b.GetProperty("type").GetString()), Is.EqualTo(new[] { "TextBlock", "FactSet" }));
        var facts = body0[1].GetProperty("facts").EnumerateArray().ToDictionary(f => f.GetProperty("title").GetString()!, f => f.GetProperty("value").GetString()!);
        Assert.That((facts["file"], facts["exit code"], facts["created"]), Is.EqualTo(("hires.csv", "2", "7")));
    }

    [Test]
    public void Staleness_SaysOncePerPeriodWithoutAFile()
    {
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var watch = new StalenessWatch(TimeSpan.FromHours(1), start);

        Assert.That(watch.Check(null, start.AddMinutes(59)), Is.Null);
        Assert.That(watch.Check(null, start.AddMinutes(61)), Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(watch.Check(null, start.AddMinutes(90)), Is.Null, "once per period");
        Assert.That(watch.Check(start.AddMinutes(100), start.AddMinutes(150)), Is.Null, "a file arrived 50 minutes ago");
        Assert.That(watch.Check(start.AddMinutes(100), start.AddMinutes(161)), Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(new StalenessWatch(null, start).Check(null, start.AddDays(9)), Is.Null, "off unless set");
    }

    [TestCase("json")]
    [TestCase("slack")]
    [TestCase("teams")]
    public async Task Webhook_IsSentWithContentLength_NotChunked(string format)
    {
        using var hook = new WebhookReceiver();
        var options = Microsoft.Extensions.Options.Options.Create(new NotifyOptions { When = "always", Webhook = new WebhookOptions { Url = hook.Url, Format = format } });
        var notifier = new RunNotifier(options, new PlainClients(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RunNotifier>.Instance);

        await notifier.NotifyAsync(Report, CancellationToken.None);

        var body = hook.Bodies.Single();
        Assert.That(hook.ContentLengths.Single(), Is.EqualTo(System.Text.Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            "a receiver that reads Content-Length gets the whole body");
        Assert.That(JsonDocument.Parse(body).RootElement.ValueKind, Is.EqualTo(JsonValueKind.Object));
    }

    private sealed class PlainClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    private static JsonDocument Serialize(string format) =>
        JsonDocument.Parse(JsonSerializer.Serialize(RunNotifier.WebhookBody(format, Report), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
}
