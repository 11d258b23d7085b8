using System.Globalization;

namespace BulkOnboard.Delivery;

/// <summary>
/// What an answer said about the API's rate limits, in whichever style it used: <c>X-RateLimit-*</c>,
/// the IETF <c>RateLimit-*</c> fields, or the combined <c>RateLimit</c> / <c>RateLimit-Policy</c>
/// structured fields. <see cref="Limit"/> alone says nothing about its window; <see cref="Reset"/> is
/// the time until the allowance that <see cref="Remaining"/> counts is replenished.
/// </summary>
/// <param name="Style">Which headers carried it, for the log and <c>summary.json</c>.</param>
/// <param name="Policies">Windows the server declared (<c>RateLimit-Policy</c>): the only headers that state a window.</param>
internal readonly record struct RateLimitHeaders(int? Limit, int? Remaining, TimeSpan? Reset, IReadOnlyList<RatePolicy>? Policies = null, string? Style = null)
{
    /// <summary>Whether the answer carried any rate-limit header at all.</summary>
    public bool IsEmpty => Limit is null && Remaining is null && Reset is null && Policies is not { Count: > 0 };
}

/// <summary>A window the server declared: at most <see cref="Requests"/> in any <see cref="Window"/>.</summary>
internal readonly record struct RatePolicy(int Requests, TimeSpan Window);

/// <summary>Reads the rate-limit headers of a response (<see cref="RateLimitHeaders"/>).</summary>
internal static class RateLimitHeaderParser
{
    // A reset above this is a Unix time (seconds since 1970), below it a number of seconds from now.
    private const double EpochThreshold = 1_000_000_000;

    /// <param name="header">The first value of a response header, or <c>null</c> when absent.</param>
    /// <param name="now">This machine's clock, for resets given as a Unix time.</param>
    public static RateLimitHeaders Parse(Func<string, string?> header, DateTimeOffset now)
    {
        var policies = ParsePolicies(header("RateLimit-Policy") ?? header("X-RateLimit-Policy"));
        if (header("X-RateLimit-Limit") is not null || header("X-RateLimit-Remaining") is not null)
        {
            return new(Int(header("X-RateLimit-Limit")), Int(header("X-RateLimit-Remaining")), Reset(header("X-RateLimit-Reset"), now), policies,
                header("X-RateLimit-Reset") is null ? "X-RateLimit-Limit/-Remaining" : "X-RateLimit-Limit/-Remaining/-Reset");
        }

        if (header("RateLimit-Limit") is not null || header("RateLimit-Remaining") is not null)
        {
            return new(Int(header("RateLimit-Limit")), Int(header("RateLimit-Remaining")), Reset(header("RateLimit-Reset"), now), policies, "RateLimit-*");
        }

        if (header("RateLimit") is { } combined)
        {
            // draft-ietf-httpapi-ratelimit-headers-08 and later: RateLimit: "default";r=50;t=30
            var (remaining, reset) = ParseCombined(combined);
            return new(policies is { Count: > 0 } ? policies.Min(p => p.Requests) : null, remaining, reset, policies, "RateLimit");
        }

        return policies is { Count: > 0 } ? new(policies.Min(p => p.Requests), null, null, policies, "RateLimit-Policy") : default;
    }

    /// <summary><c>10;w=1, 1000;w=3600</c> (older drafts) or <c>"burst";q=10;w=1, "day";q=1000;w=86400</c>.</summary>
    public static IReadOnlyList<RatePolicy>? ParsePolicies(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var policies = new List<RatePolicy>();
        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int? quota = null;
            double? window = null;
            foreach (var part in item.Split(';', StringSplitOptions.TrimEntries))
            {
                if (part.StartsWith("q=", StringComparison.OrdinalIgnoreCase))
                {
                    quota = Int(part[2..]);
                }
                else if (part.StartsWith("w=", StringComparison.OrdinalIgnoreCase))
                {
                    window = Number(part[2..]);
                }
                else if (quota is null && Int(part) is { } bare)
                {
                    quota = bare;
                }
            }

            if (quota is > 0 && window is > 0)
            {
                policies.Add(new RatePolicy(quota.Value, TimeSpan.FromSeconds(window.Value)));
            }
        }

        return policies.Count > 0 ? policies : null;
    }

    private static (int? Remaining, TimeSpan? Reset) ParseCombined(string value)
    {
        int? remaining = null;
        TimeSpan? reset = null;
        foreach (var part in value.Split([';', ','], StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("r=", StringComparison.OrdinalIgnoreCase) || part.StartsWith("remaining=", StringComparison.OrdinalIgnoreCase))
            {
                remaining = Int(part[(part.IndexOf('=') + 1)..]);
            }
            else if (part.StartsWith("t=", StringComparison.OrdinalIgnoreCase) || part.StartsWith("reset=", StringComparison.OrdinalIgnoreCase))
            {
                reset = Number(part[(part.IndexOf('=') + 1)..]) is { } seconds and >= 0 ? TimeSpan.FromSeconds(seconds) : null;
            }
        }

        return (remaining, reset);
    }

    private static TimeSpan? Reset(string? value, DateTimeOffset now)
    {
        if (Number(value) is not { } number || number < 0)
        {
            return null;
        }

        if (number < EpochThreshold)
        {
            return TimeSpan.FromSeconds(number);
        }

        var delay = DateTimeOffset.FromUnixTimeMilliseconds((long)(number * 1000)) - now;
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    private static int? Int(string? value) =>
        int.TryParse(value?.Trim().Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static double? Number(string? value) =>
        double.TryParse(value?.Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
}
