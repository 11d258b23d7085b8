using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;

namespace BulkOnboard.Delivery;

/// <summary>
/// What says a run is pointed at the wrong place, and which setting to fix: the one knowledge
/// <see cref="ResponseClassifier"/> (a run) and <c>doctor</c> share. A connection no wait will mend (nothing
/// listens, no such host, a certificate) and a 404 that is not Tallyfy's answer name <c>Tallyfy:BaseUrl</c>;
/// a 404 naming the organization names <c>Tallyfy:OrganizationId</c>.
/// </summary>
internal static class WrongTarget
{
    public const string BaseUrlSetting = "Tallyfy:BaseUrl";

    public const string OrganizationSetting = "Tallyfy:OrganizationId";

    /// <summary>Tallyfy's own base URL, for the advice.</summary>
    public const string TallyfyApi = "https://go.tallyfy.com/api";

    /// <summary>What to do when the host or port is wrong.</summary>
    public const string CheckHostAndPort = $"check {BaseUrlSetting}, its host and port (Tallyfy's is {TallyfyApi})";

    /// <summary>What to do when something answers, but not Tallyfy's API (a wrong path, another server).</summary>
    public const string CheckPath = $"check {BaseUrlSetting} (Tallyfy's is {TallyfyApi}; the path ends in /api)";

    /// <summary>What to do when Tallyfy does not know the organization.</summary>
    public const string CheckOrganization = $"check {OrganizationSetting} (Settings > Organization in Tallyfy)";

    /// <summary>
    /// Why a request could not reach the API, when no wait mends it while the settings stay as they are:
    /// nothing listens on the port, no such host, the TLS handshake failed. <c>null</c> for what may pass (a
    /// dropped or reset connection, a timeout).
    /// </summary>
    public static string? Unreachable(Exception exception) => exception switch
    {
        HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } => "connection refused: nothing listens on that port",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }
            or HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } } => "no such host",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } or HttpRequestException { InnerException: AuthenticationException } or AuthenticationException =>
            "the TLS handshake failed: the certificate is not trusted or not for that host",
        _ => null,
    };

    /// <summary>Tallyfy's own 404 for a path it does not serve (<c>ENDPOINT_NOT_FOUND</c>): a wrong base URL or a missing header, whatever came before.</summary>
    public static bool IsUnknownEndpoint(ApiResponse response) => response.Status == 404 && Text(response.Body, "code") == "ENDPOINT_NOT_FOUND";

    /// <summary>
    /// A 404 that is not Tallyfy's answer at all: its body is not a JSON object (another server, or a path
    /// outside Tallyfy's API, answered). Before anything has succeeded it says the base URL is wrong.
    /// </summary>
    public static bool IsNotTallyfys404(ApiResponse response) => response.Status == 404 && !IsJsonObject(response.Body);

    /// <summary>A 404 whose message says Tallyfy has no such organization ("Organization not found."): the id is wrong, whatever the request.</summary>
    public static bool IsUnknownOrganization(ApiResponse response) =>
        response.Status == 404 && Text(response.Body, "message") is { } message
        && message.Contains("organi", StringComparison.OrdinalIgnoreCase) && message.Contains("not found", StringComparison.OrdinalIgnoreCase);

    private static bool IsJsonObject(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A string property of an error body, at the top or inside <c>error</c>.</summary>
    private static string? Text(string body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            return root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && error.TryGetProperty(name, out var inner) && inner.ValueKind == JsonValueKind.String
                ? inner.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
