using System.Globalization;
using BulkOnboard.Sandbox;

namespace BulkOnboard.Benchmarks;

/// <summary>Settings that point an in-process or child import at a sandbox.</summary>
internal static class BenchmarkSettings
{
    public static Dictionary<string, string?> For(SandboxServer sandbox, int requestsPerMinute) => new()
    {
        ["Tallyfy:BaseUrl"] = sandbox.BaseUrl.ToString(),
        ["Tallyfy:OrganizationId"] = sandbox.Options.OrganizationId,
        ["Tallyfy:AccessToken"] = sandbox.Options.AccessToken,
        ["Delivery:RequestsPerMinute"] = requestsPerMinute.ToString(CultureInfo.InvariantCulture),
    };
}
