using Microsoft.Extensions.Options;

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

internal sealed class MonitoringOptionsValidator : IValidateOptions<MonitoringOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitoringOptions options)
    {
        foreach (var url in options.Resolve())
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "http" || uri.Port is < 1 or > 65535)
            {
                return ValidateOptionsResult.Fail($"{Setting.Describe("Monitoring:Urls")}: '{url}' is not an http address with a port (e.g. http://127.0.0.1:9187, or just 9187 for loopback)");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
