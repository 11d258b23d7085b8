using System.Net.Http.Headers;

namespace BulkOnboard.Delivery;

/// <summary>
/// Reads <c>Retry-After</c> (delay-seconds or an HTTP date, RFC 9110 §10.2.3) with .NET's own header parser.
/// A wait is only a wait when it is one: zero, a date already past, a value beyond <see cref="Longest"/>
/// or one that cannot be read is ignored (and said so, for one warning), never an exception: a 429 then
/// waits as it does without the header (at least <see cref="RateLimitLearner.DefaultRateLimitPause"/>).
/// </summary>
internal static class RetryAfter
{
    /// <summary>The longest wait a rate-limit header is believed for (Tallyfy's longest window is an hour; a day's is plausible).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(7);

    /// <summary>The wait, or <c>null</c> (with why, when the header was there: <c>Retry-After: 0 (no wait)</c>).</summary>
    public static (TimeSpan? Wait, string? Ignored) Read(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, null);
        }

        if (!RetryConditionHeaderValue.TryParse(value.Trim(), out var parsed))
        {
            return Ignore(value, "not whole seconds or an HTTP date");
        }

        var wait = parsed.Delta ?? (parsed.Date is { } date ? date - now : null);
        return wait switch
        {
            null => Ignore(value, "not whole seconds or an HTTP date"),
            { } none when none <= TimeSpan.Zero => Ignore(value, parsed.Delta is null ? "a date already past" : "no wait"),
            { } far when far > Longest => Ignore(value, $"more than {Longest.TotalDays:0} days"),
            { } usable => (usable, null),
        };
    }

    private static (TimeSpan?, string?) Ignore(string value, string why) => (null, RateLimitHeaderParser.Describe("Retry-After", value, why));

    /// <summary>The wait, or <c>null</c> when there is none to use (<see cref="Read"/>).</summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now) => Read(value, now).Wait;
}
