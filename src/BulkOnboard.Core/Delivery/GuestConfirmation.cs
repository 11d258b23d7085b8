using System.Globalization;
using System.Text.Json;

namespace BulkOnboard.Delivery;

/// <summary>What <c>GET /guests/{email}</c> says about who created a guest.</summary>
internal enum GuestOrigin
{
    /// <summary>No answer, or no creation time: cannot tell.</summary>
    Unknown,

    /// <summary>Created at or after this run's first unanswered attempt: that attempt created it.</summary>
    ThisRun,

    /// <summary>Created before this run tried: it already existed.</summary>
    BeforeThisRun,
}

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
        if (response.Status is < 200 or >= 300 || ReadCreatedAt(response.Body) is not { } createdAt)
        {
            return (GuestOrigin.Unknown, null);
        }

        var skew = response.ServerDate is { } serverNow ? serverNow - responseReceivedAt : TimeSpan.Zero;
        var attemptOnServerClock = firstAttemptAt + skew;
        return (createdAt >= attemptOnServerClock - Slack ? GuestOrigin.ThisRun : GuestOrigin.BeforeThisRun, createdAt);
    }

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
                && DateTimeOffset.TryParse(created.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
                ? value
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
