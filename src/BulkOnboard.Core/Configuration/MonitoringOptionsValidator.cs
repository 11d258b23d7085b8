using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>The start-up checks of <see cref="MonitoringOptions"/>: a setting out of range stops the command with one line naming it.</summary>
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
