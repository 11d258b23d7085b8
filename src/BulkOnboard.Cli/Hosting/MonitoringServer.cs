using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using BulkOnboard.Watching;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace BulkOnboard.Cli.Hosting;

/// <summary>
/// <c>Monitoring:Urls</c> for the watch service: <c>GET /healthz</c> (JSON: status, the last file with its
/// time and outcome, last success, the files waiting in the inbox) and <c>GET /metrics</c> (Prometheus text
/// from prometheus-net, fed by the service's <see cref="RunMetrics"/> meter through <see cref="MetricsBridge"/>:
/// counters as Prometheus counters named <c>bulkonboard_*_total</c>, gauges as gauges).
/// </summary>
internal sealed class MonitoringServer(IOptions<MonitoringOptions> options, WatchProcessor processor, RunMetrics metrics, ILogger<MonitoringServer> logger,
    BulkOnboard.Delivery.RequestGate gate, BulkOnboard.Watching.ApprovalPrompts? prompts = null) : IHostedService, IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private WebApplication? _app;
    private MetricsBridge? _bridge;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var urls = options.Value.Resolve();
        if (urls.Count == 0)
        {
            return;
        }

        var registry = Metrics.NewCustomRegistry();
        _bridge = new MetricsBridge(metrics.Meter, registry);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. urls]);
        _app = builder.Build();
        _app.MapGet("/healthz", () => Results.Json(Health(), Json));

        // Tallyfy's task webhook (Sync:Approval:WebhookUrl): unsigned and sent once, so it only prompts a read of the
        // approval tasks, and only with this organization's X-Tallyfy-orgID; the body is never trusted.
        _app.MapPost("/approvals/webhook", (HttpContext http) =>
            prompts?.Prompt(http.Request.Headers["X-Tallyfy-orgID"].ToString()) == true ? Results.Accepted() : Results.StatusCode(StatusCodes.Status403Forbidden));
        _app.MapGet("/metrics", async (HttpContext http) =>
        {
            // Prometheus asks for OpenMetrics (# TYPE x counter, samples x_total); anyone else gets the classic text (# TYPE x_total counter).
            var openMetrics = http.Request.Headers.Accept.ToString().Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase);
            http.Response.ContentType = openMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8";
            await registry.CollectAndExportAsTextAsync(http.Response.Body, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, http.RequestAborted);
        });
        await _app.StartAsync(cancellationToken);
        logger.LogInformation("Monitoring on {Urls}: /healthz, /metrics and /approvals/webhook", string.Join(", ", urls));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _bridge?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private object Health()
    {
        var status = processor.Status;
        int queue;
        try
        {
            // Only files waiting to be imported, by the scanner's own rules: not status.json, nor temporary, hidden or partial files.
            queue = processor.Waiting();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            queue = -1;
        }

        return new
        {
            Status = status.LastError is not null && status.FilesFailed > 0 && status.FilesDone == 0 ? "degraded" : "ok",
            status.CurrentFile,
            status.CurrentFiles,
            LastFile = processor.LastFile is { } last ? new { last.Name, last.At, last.Outcome, last.ExitCode } : null,
            LastSuccess = processor.LastSuccessAt,
            status.FilesDone,
            status.FilesFailed,
            status.LastError,
            Queue = queue,

            // What waits, and until when: a hold on one kind of request (Tallyfy's guest cap) leaves the others going.
            Waiting = gate.ScopedHolds.Select(h => new { Kind = BulkOnboard.Delivery.RequestScopes.ToWord(h.Scope), h.Until, h.Reason })
                .Concat(gate.Hold is { } all && !gate.ScopedHolds.Any(h => h.Until == all.Until) ? [new { Kind = "all", all.Until, all.Reason }] : [])
                .ToList(),
        };
    }
}
