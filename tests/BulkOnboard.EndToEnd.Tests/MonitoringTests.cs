using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>The running watch service answers <c>/healthz</c> and <c>/metrics</c> on <c>Monitoring:Urls</c>.</summary>
public class MonitoringTests
{
    [Test]
    public async Task AfterTwoFiles_HealthzAndMetricsShowThem()
    {
        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var inbox = Path.Combine(workspace.Folder, "inbox");
        Directory.CreateDirectory(inbox);
        var port = WebhookReceiver.FreePort();
        var settings = CliRun.SettingsFor(sandbox);
        settings["Monitoring:Urls"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Watch:SettleTime"] = "00:00:00";
        settings["Watch:ScanInterval"] = "00:00:00.200";
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var service = CliRun.RunAsync(settings, ["watch", "--inbox", inbox], stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await WaitForAsync(async () => service.IsCompleted ? throw new AssertionException("the service ended: " + await service) : (await TryGetAsync(http, "/healthz")) is not null);
        File.WriteAllText(Path.Combine(inbox, "one.csv"), "Email,Type\na@x.example,guest\nb@x.example,guest\nnot-an-email,guest\n");
        await WaitForAsync(() => Task.FromResult(Directory.Exists(Path.Combine(inbox, "done")) && Directory.GetFiles(Path.Combine(inbox, "done")).Length == 1));
        File.WriteAllText(Path.Combine(inbox, "two.csv"), "Email,Type\nc@x.example,guest\n");
        await WaitForAsync(() => Task.FromResult(Directory.GetFiles(Path.Combine(inbox, "done")).Length == 2));
        string? last = null;
        try
        {
            await WaitForAsync(async () => (last = await TryGetAsync(http, "/metrics"))?.Contains("bulkonboard_files_total{result=\"done\"} 2", StringComparison.Ordinal) == true);
        }
        catch (AssertionException)
        {
            Assert.Fail("the metrics never showed two files done:\n" + last);
        }

        var health = JsonDocument.Parse((await TryGetAsync(http, "/healthz"))!).RootElement;
        var metrics = (await TryGetAsync(http, "/metrics"))!;
        using var asPrometheusDoes = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        asPrometheusDoes.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0;q=0.5");
        asPrometheusDoes.Headers.Accept.ParseAdd("text/plain;version=0.0.4;q=0.4");
        var openMetricsText = await (await http.SendAsync(asPrometheusDoes)).Content.ReadAsStringAsync();
        await stop.CancelAsync();
        var result = await service;

        Assert.That((health.GetProperty("status").GetString(), health.GetProperty("files_done").GetInt32()), Is.EqualTo(("ok", 2)));
        Assert.That(health.GetProperty("last_success").GetString(), Is.Not.Null);
        var lastFile = health.GetProperty("last_file");
        Assert.That((lastFile.GetProperty("name").GetString(), lastFile.GetProperty("outcome").GetString(), lastFile.GetProperty("exit_code").GetInt32()), Is.EqualTo(("two.csv", "done", 0)));
        Assert.That(lastFile.GetProperty("at").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.Now.AddMinutes(-5)));
        Assert.That(health.GetProperty("queue").GetInt32(), Is.EqualTo(0), "status.json in the inbox is the service's own, not waiting work: " + string.Join(", ", Directory.GetFiles(inbox)));
        Assert.That(metrics, Does.Contain("bulkonboard_rows_total{outcome=\"created\"} 3"), "rows by outcome, both files");
        Assert.That(metrics, Does.Contain("bulkonboard_rows_total{outcome=\"invalid\"} 1"));
        Assert.That(metrics, Does.Contain("bulkonboard_requests_total 3"));
        Assert.That(metrics, Does.Contain("bulkonboard_files_total{result=\"done\"} 2"));
        Assert.That(metrics, Does.Contain("bulkonboard_last_success_timestamp_seconds"));
        Assert.That(PrometheusText.Problems(metrics, openMetrics: false), Is.Empty, "the classic exposition format, as promtool check metrics reads it");
        Assert.That(PrometheusText.Types(metrics), Does.ContainKey("bulkonboard_rows_total").WithValue("counter"), "classic: the family bears its samples' name");
        Assert.That(PrometheusText.Problems(openMetricsText, openMetrics: true), Is.Empty, "OpenMetrics, what Prometheus asks for");
        Assert.That(openMetricsText, Does.Contain("bulkonboard_rows_total{outcome=\"created\"} 3"));
        Assert.That(PrometheusText.Types(openMetricsText), Does.ContainKey("bulkonboard_rows").WithValue("counter")
            .And.ContainKey("bulkonboard_requests").WithValue("counter")
            .And.ContainKey("bulkonboard_files").WithValue("counter")
            .And.ContainKey("bulkonboard_rate_limited").WithValue("counter")
            .And.ContainKey("bulkonboard_pace_requests_per_second").WithValue("gauge"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
    }

    private static async Task<string?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetStringAsync(path);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail("timed out waiting");
            }

            await Task.Delay(50);
        }
    }
}
