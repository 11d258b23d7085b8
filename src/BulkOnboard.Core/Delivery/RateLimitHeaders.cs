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
    /// <summary>Headers that were there but out of range or unreadable, and ignored (<c>X-RateLimit-Reset: 1767225600000 (more than 7 days away)</c>).</summary>
    public IReadOnlyList<string>? Ignored { get; init; }

    /// <summary>Whether the answer carried any rate-limit header at all.</summary>
    public bool IsEmpty => Limit is null && Remaining is null && Reset is null && Policies is not { Count: > 0 };
}

/// <summary>A window the server declared: at most <see cref="Requests"/> in any <see cref="Window"/>.</summary>
internal readonly record struct RatePolicy(int Requests, TimeSpan Window);

/// <summary>
/// Reads the rate-limit headers of a response (<see cref="RateLimitHeaders"/>). A value out of range (a
/// reset in epoch milliseconds, a window of <c>1e300</c> seconds, a count past <see cref="int.MaxValue"/>)
/// or unreadable is ignored and named in <see cref="RateLimitHeaders.Ignored"/>, never an exception: the
/// gate warns once, and a row Tallyfy answered is never failed for its headers.
/// </summary>
internal static class RateLimitHeaderParser
{
    // A reset above this is a Unix time (seconds since 1970), below it a number of seconds from now.
    private const double EpochThreshold = 1_000_000_000;

    /// <param name="header">The first value of a response header, or <c>null</c> when absent.</param>
    /// <param name="now">This machine's clock, for resets given as a Unix time.</param>
    public static RateLimitHeaders Parse(Func<string, string?> header, DateTimeOffset now)
    {
        var reader = new Reader(header, now);
        var policies = reader.Policies(header("RateLimit-Policy") is null ? "X-RateLimit-Policy" : "RateLimit-Policy");
        RateLimitHeaders read;
        if (header("X-RateLimit-Limit") is not null || header("X-RateLimit-Remaining") is not null)
        {
            read = new(reader.Count("X-RateLimit-Limit"), reader.Count("X-RateLimit-Remaining"), reader.Reset("X-RateLimit-Reset"), policies,
                header("X-RateLimit-Reset") is null ? "X-RateLimit-Limit/-Remaining" : "X-RateLimit-Limit/-Remaining/-Reset");
        }
        else if (header("RateLimit-Limit") is not null || header("RateLimit-Remaining") is not null)
        {
            read = new(reader.Count("RateLimit-Limit"), reader.Count("RateLimit-Remaining"), reader.Reset("RateLimit-Reset"), policies, "RateLimit-*");
        }
        else if (header("RateLimit") is not null)
        {
            // draft-ietf-httpapi-ratelimit-headers-08 and later: RateLimit: "default";r=50;t=30
            var (remaining, reset) = reader.Combined("RateLimit");
            read = new(policies is { Count: > 0 } ? policies.Min(p => p.Requests) : null, remaining, reset, policies, "RateLimit");
        }
        else
        {
            read = policies is { Count: > 0 } ? new(policies.Min(p => p.Requests), null, null, policies, "RateLimit-Policy") : default;
        }

        return reader.Ignored.Count == 0 ? read : read with { Ignored = reader.Ignored };
    }

    /// <summary><c>10;w=1, 1000;w=3600</c> (older drafts) or <c>"burst";q=10;w=1, "day";q=1000;w=86400</c>.</summary>
    public static IReadOnlyList<RatePolicy>? ParsePolicies(string? value) =>
        new Reader(name => name == "RateLimit-Policy" ? value : null, default).Policies("RateLimit-Policy");

    /// <summary>How an ignored header is named in the warning: its name, its value (cut short) and why.</summary>
    public static string Describe(string name, string value, string why) =>
        $"{name}: {(value.Length <= 40 ? value : value[..40] + "...")} ({why})";

    /// <summary>Reads one response's headers, noting each value it cannot use.</summary>
    private sealed class Reader(Func<string, string?> header, DateTimeOffset now)
    {
        public List<string> Ignored { get; } = [];

        public int? Count(string name) => header(name) is { } value ? Count(name, value) : null;

        public TimeSpan? Reset(string name)
        {
            if (header(name) is not { } value)
            {
                return null;
            }

            if (Number(value) is not { } number || number < 0)
            {
                return Ignore(name, value, "not a number of seconds or a Unix time");
            }

            if (number < EpochThreshold)
            {
                return Seconds(name, value, number);
            }

            // A Unix time: only one within reach is a time (epoch milliseconds are years away).
            var delay = number - now.ToUnixTimeMilliseconds() / 1000.0;
            return delay > RetryAfter.Longest.TotalSeconds ? Ignore(name, value, $"more than {RetryAfter.Longest.TotalDays:0} days away")
                : delay > 0 ? TimeSpan.FromSeconds(delay) : TimeSpan.Zero;
        }

        public IReadOnlyList<RatePolicy>? Policies(string name)
        {
            if (string.IsNullOrWhiteSpace(header(name)))
            {
                return null;
            }

            var policies = new List<RatePolicy>();
            foreach (var item in header(name)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                int? quota = null;
                TimeSpan? window = null;
                foreach (var part in item.Split(';', StringSplitOptions.TrimEntries))
                {
                    if (part.StartsWith("q=", StringComparison.OrdinalIgnoreCase))
                    {
                        quota = Count(name, part[2..]);
                    }
                    else if (part.StartsWith("w=", StringComparison.OrdinalIgnoreCase))
                    {
                        window = Number(part[2..]) is { } seconds and > 0 ? Seconds(name, item, seconds) : Ignore(name, item, "not a window in seconds");
                    }
                    else if (quota is null && part.Length > 0 && part.All(char.IsAsciiDigit))
                    {
                        quota = Count(name, part);
                    }
                }

                if (quota is > 0 && window is { } span)
                {
                    policies.Add(new RatePolicy(quota.Value, span));
                }
                else if (quota is not null && window is not null)
                {
                    Ignore(name, item, "no requests allowed");
                }
            }

            return policies.Count > 0 ? policies : null;
        }

        public (int? Remaining, TimeSpan? Reset) Combined(string name)
        {
            int? remaining = null;
            TimeSpan? reset = null;
            foreach (var part in header(name)!.Split([';', ','], StringSplitOptions.TrimEntries))
            {
                var value = part[(part.IndexOf('=') + 1)..];
                if (part.StartsWith("r=", StringComparison.OrdinalIgnoreCase) || part.StartsWith("remaining=", StringComparison.OrdinalIgnoreCase))
                {
                    remaining = Count(name, value);
                }
                else if (part.StartsWith("t=", StringComparison.OrdinalIgnoreCase) || part.StartsWith("reset=", StringComparison.OrdinalIgnoreCase))
                {
                    reset = Number(value) is { } seconds and >= 0 ? Seconds(name, part, seconds) : Ignore(name, part, "not a number of seconds");
                }
            }

            return (remaining, reset);
        }

        private int? Count(string name, string value)
        {
            if (int.TryParse(value.Trim().Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0)
            {
                return number;
            }

            Ignore(name, value, "not a count");
            return null;
        }

        /// <summary>A number of seconds as a duration, when it is one a limit can have (at most <see cref="RetryAfter.Longest"/>).</summary>
        private TimeSpan? Seconds(string name, string value, double seconds) =>
            seconds <= RetryAfter.Longest.TotalSeconds ? TimeSpan.FromSeconds(seconds) : Ignore(name, value, $"more than {RetryAfter.Longest.TotalDays:0} days");

        private TimeSpan? Ignore(string name, string value, string why)
        {
            Ignored.Add(Describe(name, value, why));
            return null;
        }
    }

    private static double? Number(string? value) =>
        double.TryParse(value?.Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : null;
}
