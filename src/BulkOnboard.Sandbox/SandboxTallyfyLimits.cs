using System.Globalization;

namespace BulkOnboard.Sandbox;

/// <summary>
/// Tallyfy's two layers of limits as its API overview page (2026-07) describes them, with no rate-limit
/// headers at all: a burst throttle per token (too many requests in a short window, and every request is
/// refused for a few seconds), and hourly caps per organization on guest creation and on task comments, whose 429s name them.
/// </summary>
internal sealed class SandboxTallyfyLimits(SandboxOptions options, TimeProvider timeProvider)
{
    private readonly (int Requests, TimeSpan Window)? _cap = options.GuestCap is { Length: > 0 } cap ? SandboxWindowLimiter.Parse(cap) : null;
    private readonly SandboxWindowLimiter? _guestCap = options.GuestCap is { Length: > 0 } cap ? new([SandboxWindowLimiter.Parse(cap)], timeProvider) : null;
    private readonly SandboxWindowLimiter? _burst = options.BurstLimit is { Length: > 0 } burst ? new([SandboxWindowLimiter.Parse(burst)], timeProvider) : null;
    private readonly SandboxWindowLimiter? _commentCap = options.CommentsPerHour > 0 ? new([(options.CommentsPerHour, TimeSpan.FromHours(1))], timeProvider) : null;
    private readonly Lock _lock = new();
    private DateTimeOffset _throttledUntil;

    /// <summary>Every API request: the <c>Retry-After</c> while the token is throttled, or when this request trips the throttle.</summary>
    public TimeSpan? CheckBurst()
    {
        if (_burst is null)
        {
            return null;
        }

        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            if (_throttledUntil > now)
            {
                return _throttledUntil - now;
            }

            if (_burst.TryTake().Allowed)
            {
                return null;
            }

            _throttledUntil = now + options.BurstThrottle;
            return options.BurstThrottle;
        }
    }

    /// <summary>A guest create about to be applied: the <c>Retry-After</c> when the organization's cap is spent.</summary>
    public TimeSpan? CheckGuestCap() => _guestCap?.TryTake() is { Allowed: false } refused ? refused.RetryAfter : null;

    /// <summary>A comment about to be added: the <c>Retry-After</c> when the organization's hourly comment cap is spent.</summary>
    public TimeSpan? CheckCommentCap() => _commentCap?.TryTake() is { Allowed: false } refused ? refused.RetryAfter : null;

    /// <summary>The body of the comment cap's 429.</summary>
    public object CommentCapBody => new
    {
        error = true,
        message = $"You've reached the hourly limit for Comments ({options.CommentsPerHour} per hour per organization). Please try again later.",
        code = "RATE_LIMIT_EXCEEDED",
    };

    /// <summary>The body of the cap's 429, as Tallyfy words it.</summary>
    public object CapBody => new
    {
        message = $"You've reached the hourly limit for Guest Invite ({_cap!.Value.Requests} per {Per(_cap.Value.Window)} per organization). Please try again later.",
        code = "RATE_LIMIT_EXCEEDED",
    };

    private static string Per(TimeSpan window) => window switch
    {
        { TotalHours: 1 } => "hour",
        { TotalMinutes: 1 } => "minute",
        { TotalSeconds: var s } when s % 3600 == 0 => $"{s / 3600:0} hours",
        { TotalSeconds: var s } when s % 60 == 0 => $"{s / 60:0} minutes",
        { TotalSeconds: var s } => string.Create(CultureInfo.InvariantCulture, $"{s:0.###} seconds"),
    };
}
