namespace BulkOnboard.Configuration;

/// <summary><c>watch</c>'s health and metrics endpoint. Section <c>Monitoring</c>. Off unless <see cref="Urls"/> is set.</summary>
internal sealed class MonitoringOptions
{
    public const string Section = "Monitoring";

    /// <summary>
    /// Where <c>/healthz</c> and <c>/metrics</c> are served, separated by <c>;</c>: full addresses
    /// (<c>http://127.0.0.1:9187</c>) or a bare port, which means loopback only. None by default.
    /// </summary>
    public string? Urls { get; set; }

    /// <summary>The addresses to listen on, a bare port made a loopback address.</summary>
    public IReadOnlyList<string> Resolve() =>
        string.IsNullOrWhiteSpace(Urls)
            ? []
            : [.. Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(u => int.TryParse(u, out var port) ? $"http://127.0.0.1:{port}" : u)];
}
