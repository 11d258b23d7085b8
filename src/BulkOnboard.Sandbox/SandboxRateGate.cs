using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace BulkOnboard.Sandbox;

/// <summary>
/// The sandbox's rate limiting, in the order a request meets it: a throttle (everything refused for a
/// while), the token bucket (<see cref="SandboxOptions.RequestsPerMinute"/>), the strict windows
/// (<see cref="SandboxOptions.RateLimits"/>); and the rate-limit headers in the configured style.
/// </summary>
internal sealed class SandboxRateGate(SandboxOptions options, SandboxState state, TimeProvider timeProvider)
{
    private readonly SandboxRateLimiter? _bucket = options.RequestsPerMinute > 0 ? new SandboxRateLimiter(options.RequestsPerMinute, options.Burst, timeProvider) : null;
    private readonly SandboxWindowLimiter? _windows = options.RateLimits.Count > 0
        ? new SandboxWindowLimiter(options.RateLimits.Select(SandboxWindowLimiter.Parse).ToList(), timeProvider)
        : null;

    private int _requests;

    /// <summary>Takes a place for one API request, writing the headers; the <c>Retry-After</c> when it is refused.</summary>
    public TimeSpan? Check(IHeaderDictionary headers)
    {
        if (options.ThrottleAfterRequests is { } after && Interlocked.Increment(ref _requests) == after + 1)
        {
            state.ThrottleUntil(timeProvider.GetUtcNow() + options.ThrottleDuration);
        }

        if (state.ThrottledFor(timeProvider.GetUtcNow()) is { } throttled)
        {
            return throttled;
        }

        if (_bucket is not null)
        {
            var (allowed, retryAfter, remaining) = _bucket.TryTake();
            if (options.SendRateLimitHeaders && options.RateLimitHeaders != "none")
            {
                headers["X-RateLimit-Limit"] = _bucket.Limit.ToString(CultureInfo.InvariantCulture);
                headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            }

            if (!allowed)
            {
                return retryAfter;
            }
        }

        if (_windows is not null)
        {
            var decision = _windows.TryTake();
            WriteHeaders(headers, decision);
            if (!decision.Allowed)
            {
                return decision.RetryAfter;
            }
        }

        return null;
    }

    /// <summary>The configured header style (<see cref="SandboxOptions.RateLimitHeaders"/>); resets in whole seconds, rounded up.</summary>
    private void WriteHeaders(IHeaderDictionary headers, SandboxWindowLimiter.Decision decision)
    {
        if (!options.SendRateLimitHeaders)
        {
            return;
        }

        var limit = decision.Limit.ToString(CultureInfo.InvariantCulture);
        var remaining = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        var reset = Math.Max(1, (int)Math.Ceiling(decision.Reset.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        switch (options.RateLimitHeaders)
        {
            case "x":
                (headers["X-RateLimit-Limit"], headers["X-RateLimit-Remaining"]) = (limit, remaining);
                break;
            case "x-reset":
                (headers["X-RateLimit-Limit"], headers["X-RateLimit-Remaining"], headers["X-RateLimit-Reset"]) = (limit, remaining, reset);
                break;
            case "ietf":
                (headers["RateLimit-Limit"], headers["RateLimit-Remaining"], headers["RateLimit-Reset"]) = (limit, remaining, reset);
                headers["RateLimit-Policy"] = _windows!.Policy;
                break;
        }
    }
}
