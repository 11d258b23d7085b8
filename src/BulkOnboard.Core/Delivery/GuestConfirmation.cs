using System.Globalization;
using System.Text.Json;

namespace BulkOnboard.Delivery;

/// <summary>
/// Decides whether a guest that a retry found "already taken" was created by the earlier, unanswered
/// attempt or existed before. Times are compared on the server's clock (its <c>Date</c> header), so a
/// client clock that is off does not matter.
/// </summary>
internal static class GuestConfirmation
{
    /// <summary>The <c>Date</c> header has whole seconds; allow for that and a little network time.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    public static (GuestOrigin Origin, DateTimeOffset? CreatedAt) Judge(ApiResponse response, DateTimeOffset firstAttemptAt, DateTimeOffset responseReceivedAt)
    {
        if (response.Status is < 200 or >= 300 || ReadCreatedAt(response.RawBody) is not { } createdAt)
        {
            return (GuestOrigin.Unknown, null);
        }

        var skew = response.ServerDate is { } serverNow ? serverNow - responseReceivedAt : TimeSpan.Zero;
        var attemptOnServerClock = firstAttemptAt + skew;
        return (createdAt >= attemptOnServerClock - Slack ? GuestOrigin.ThisRun : GuestOrigin.BeforeThisRun, createdAt);
    }

    /// <summary>
    /// Tallyfy's two shapes of <c>created_at</c>: <c>YYYY-MM-DD HH:MM:SS</c> (no zone: the server's UTC)
    /// in a create's answer, ISO 8601 (<c>2025-01-15T10:30:00.000000Z</c>, any offset) in a read.
    /// </summary>
    internal static DateTimeOffset? ParseCreatedAt(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTimeOffset.TryParseExact(text, CreateFormats, CultureInfo.InvariantCulture, Utc, out var created))
        {
            return created;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, Utc, out var read) ? read : null;
    }

    private static readonly string[] CreateFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF"];

    private static DateTimeOffset? ReadCreatedAt(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var guest = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) ? data : root;
            return guest.ValueKind == JsonValueKind.Object
                && guest.TryGetProperty("created_at", out var created)
                && created.ValueKind == JsonValueKind.String
                ? ParseCreatedAt(created.GetString())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
