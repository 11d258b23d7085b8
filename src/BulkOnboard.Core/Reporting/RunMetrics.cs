using System.Diagnostics.Metrics;

namespace BulkOnboard.Reporting;

/// <summary>
/// The service's measurements, as <c>System.Diagnostics.Metrics</c> instruments (exported in
/// Prometheus text on <c>/metrics</c> by the monitoring endpoint): rows by outcome, requests, 429s,
/// files processed, failures, the current pace and the last success time.
/// </summary>
internal sealed class RunMetrics : IDisposable
{
    public const string MeterName = "BulkOnboard";

    private readonly Counter<long> _rows;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _files;
    private long _lastSuccessUnixSeconds;
    private double _pace;

    public RunMetrics()
    {
        _rows = Meter.CreateCounter<long>("rows", description: "Rows processed, by outcome");
        _requests = Meter.CreateCounter<long>("requests", description: "Requests sent to Tallyfy");
        _rateLimited = Meter.CreateCounter<long>("rate_limited", description: "Answers 429 (rate limited)");
        _files = Meter.CreateCounter<long>("files", description: "Files processed, by result (done, failed)");
        Meter.CreateObservableGauge("pace_requests_per_second", () => Volatile.Read(ref _pace), description: "Requests per second the API's limits allow now");
        Meter.CreateObservableGauge("last_success_timestamp_seconds", () => Interlocked.Read(ref _lastSuccessUnixSeconds),
            description: "When a file last finished without being aborted (Unix time)");
    }

    /// <summary>This service's meter (one per host, so that two hosts in one process do not mix).</summary>
    public Meter Meter { get; } = new(MeterName);

    /// <summary>A file is done: its rows by outcome, its requests, whether it failed.</summary>
    public void FileFinished(RunSummary? summary, bool failed, DateTimeOffset at, double pace)
    {
        if (summary is not null)
        {
            foreach (var (outcome, count) in RunReport.Of(summary).Counts)
            {
                _rows.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
            }

            _requests.Add(summary.Requests);
            _rateLimited.Add(summary.RateLimited);
        }

        _files.Add(1, new KeyValuePair<string, object?>("result", failed ? "failed" : "done"));
        if (!failed)
        {
            Interlocked.Exchange(ref _lastSuccessUnixSeconds, at.ToUnixTimeSeconds());
        }

        if (pace > 0)
        {
            Volatile.Write(ref _pace, pace);
        }
    }

    public void Dispose() => Meter.Dispose();
}
