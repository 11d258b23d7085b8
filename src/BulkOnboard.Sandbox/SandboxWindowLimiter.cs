using System.Globalization;

namespace BulkOnboard.Sandbox;

/// <summary>
/// Strict windows, as many servers enforce them: at most N requests in any W (a sliding log), several
/// windows at once. Refused requests do not count. What it says back: the window with the least left.
/// </summary>
internal sealed class SandboxWindowLimiter(IReadOnlyList<(int Requests, TimeSpan Window)> windows, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset>[] _accepted = windows.Select(_ => new Queue<DateTimeOffset>()).ToArray();

    /// <summary>Parses <c>10/00:00:01</c> (N per TimeSpan) or <c>10/1s</c>, <c>100/1m</c>, <c>1000/1h</c>.</summary>
    public static (int Requests, TimeSpan Window) Parse(string text)
    {
        var parts = text.Split('/', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var requests) && requests > 0
            && Duration(parts[1]) is { } window && window > TimeSpan.Zero)
        {
            return (requests, window);
        }

        throw new InvalidDataException($"Sandbox:RateLimits entry '{text}' is not 'N/duration', such as 10/1s, 100/1m or 200/00:00:40");
    }

    /// <summary>Takes a place in every window, or says when the first refusing window frees one.</summary>
    public Decision TryTake()
    {
        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            var retryAfter = TimeSpan.Zero;
            for (var i = 0; i < windows.Count; i++)
            {
                var queue = _accepted[i];
                while (queue.Count > 0 && queue.Peek() <= now - windows[i].Window)
                {
                    queue.Dequeue();
                }

                if (queue.Count >= windows[i].Requests)
                {
                    var frees = queue.Peek() + windows[i].Window - now;
                    retryAfter = frees > retryAfter ? frees : retryAfter;
                }
            }

            var allowed = retryAfter == TimeSpan.Zero;
            if (allowed)
            {
                foreach (var queue in _accepted)
                {
                    queue.Enqueue(now);
                }
            }

            // The window with the least left is the one reported.
            var tightest = Enumerable.Range(0, windows.Count).MinBy(i => windows[i].Requests - _accepted[i].Count);
            var left = windows[tightest].Requests - _accepted[tightest].Count;
            var reset = _accepted[tightest].Count > 0 ? _accepted[tightest].Peek() + windows[tightest].Window - now : windows[tightest].Window;
            return new Decision(allowed, retryAfter, windows[tightest].Requests, Math.Max(0, left), reset);
        }
    }

    /// <summary><c>RateLimit-Policy</c>: every window, <c>10;w=1, 200;w=40</c>.</summary>
    public string Policy => string.Join(", ", windows.Select(w => FormattableString.Invariant($"{w.Requests};w={w.Window.TotalSeconds:0.###}")));

    private static TimeSpan? Duration(string text)
    {
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && text.Contains(':', StringComparison.Ordinal))
        {
            return span;
        }

        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(number),
                'm' => TimeSpan.FromMinutes(number),
                'h' => TimeSpan.FromHours(number),
                _ => null,
            };
        }

        return null;
    }

    /// <param name="Reset">When the reported window frees its next place.</param>
    public readonly record struct Decision(bool Allowed, TimeSpan RetryAfter, int Limit, int Remaining, TimeSpan Reset);
}
