using System.Text.Json;
using System.Text.RegularExpressions;

namespace BulkOnboard.Delivery;

/// <summary>
/// A 429 whose body names the cap it enforces, as Tallyfy's hourly caps do: <c>{"message": "You've reached
/// the hourly limit for Guest Invite (30 per hour per organization). Please try again later.", "code":
/// "RATE_LIMIT_EXCEEDED"}</c>. Such a refusal holds only the kind of request it answered; the figures it
/// states are a hint, checked against what the run saw accepted before it.
/// </summary>
/// <param name="Name">What is capped, as the body says ("Guest Invite").</param>
/// <param name="Requests">The stated count, when the body states one.</param>
/// <param name="Window">The stated window, when the body states one.</param>
internal sealed partial record CapNotice(string Name, int? Requests, TimeSpan? Window)
{
    public override string ToString() => Requests is { } n && Window is { } w ? $"{Name} cap ({n} per {Durations.Describe(w)})" : $"{Name} cap";

    /// <summary>The cap a 429's body names, or <c>null</c> for a 429 that names none (a burst throttle, a proxy).</summary>
    public static CapNotice? TryParse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || !body.Contains("limit for", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var message = body;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
            {
                message = text.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Plain text: read as it is.
        }

        var match = Notice().Match(message);
        if (!match.Success)
        {
            return null;
        }

        var name = match.Groups["name"].Value.Trim();
        if (!match.Groups["n"].Success)
        {
            return new CapNotice(name, null, null);
        }

        var count = int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var amount = match.Groups["k"].Success ? double.Parse(match.Groups["k"].Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
        TimeSpan? window = match.Groups["unit"].Value.ToLowerInvariant().TrimEnd('s') switch
        {
            "second" => TimeSpan.FromSeconds(amount),
            "minute" => TimeSpan.FromMinutes(amount),
            "hour" => TimeSpan.FromHours(amount),
            "day" => TimeSpan.FromDays(amount),
            _ => null,
        };
        return new CapNotice(name, count, window);
    }

    [GeneratedRegex(@"limit for (?<name>[^(.]+?)\s*(\(\s*(?<n>\d+)\s+per\s+((?<k>\d+(\.\d+)?)\s*)?(?<unit>seconds?|minutes?|hours?|days?)\b|\.|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Notice();
}
