namespace BulkOnboard.Delivery;

/// <summary>A limit learned from the API: at most <see cref="Requests"/> in any <see cref="Window"/>, and what said so.</summary>
internal sealed record ApiLimit(int Requests, TimeSpan Window, string Source)
{
    /// <summary>The steady pace it allows, in requests per second.</summary>
    public double PerSecond => Requests / Window.TotalSeconds;

    public override string ToString() => $"{Requests} requests per {Durations.Describe(Window)} (from {Source})";
}

/// <summary>Durations as a person reads them in a log line or progress display.</summary>
internal static class Durations
{
    public static string Describe(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => $"{span.TotalMilliseconds:0} ms",
        { TotalSeconds: < 100 } => $"{span.TotalSeconds:0.#} s",
        { TotalMinutes: < 100 } => $"{span.TotalMinutes:0.#} min",
        _ => $"{span.TotalHours:0.#} h",
    };
}

/// <summary>How long a kind of request was expected to take before the first request, and took (<c>summary.json</c>).</summary>
internal sealed record KindEstimate(int Rows, long EstimatedMs, long? ActualMs);
