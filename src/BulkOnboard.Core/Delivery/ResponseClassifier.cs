using System.Text.Json;
using BulkOnboard.Input;
using Polly.Timeout;

namespace BulkOnboard.Delivery;

/// <summary>
/// The one place that decides what an HTTP response, or a request that got none, means (TALLYFY-API.md,
/// "Errors"). A 422 whose errors concern only the email being taken or existing is a duplicate; a 422
/// about anything else is a rejection carrying the API's own message.
/// </summary>
internal static class ResponseClassifier
{
    /// <summary>
    /// A request's outcome: its response, or the exception that took its place. Transport failures and
    /// timeouts are <see cref="ApiVerdictKind.NoAnswer"/>; a token that cannot be had is
    /// <see cref="ApiVerdictKind.Unauthorized"/>; anything else is a bug and is rethrown.
    /// </summary>
    /// <param name="targetProven">
    /// Whether a request of this run has succeeded (Tallyfy answers at this address for this organization).
    /// Until one has, a connection no wait mends (refused, no such host, TLS) and a 404 that is not Tallyfy's
    /// answer are a wrong setting (<see cref="ApiVerdictKind.WrongTarget"/>), not an outage to wait out.
    /// </param>
    public static ApiVerdict Classify(Polly.Outcome<ApiResponse> outcome, TimeSpan timeout, bool targetProven = true) => outcome.Exception switch
    {
        null => Classify(outcome.Result!, targetProven),
        TimeoutRejectedException => new(ApiVerdictKind.NoAnswer, 0, null, $"no response within {timeout.TotalSeconds:0.#} s", null),
        HttpRequestException or IOException when !targetProven && WrongTarget.Unreachable(outcome.Exception) is { } cause => new(ApiVerdictKind.WrongTarget, 0, null,
            $"cannot reach Tallyfy ({cause}: {Said(outcome.Exception)}) before any request succeeded: {WrongTarget.CheckHostAndPort}", null),
        HttpRequestException or IOException => new(ApiVerdictKind.NoAnswer, 0, null, Describe(outcome.Exception), null),
        TokenRefusedException refused => new(ApiVerdictKind.Unauthorized, 0, null, refused.Message, null),
        InvalidDataException tooLarge => new(ApiVerdictKind.Rejected, 0, null, tooLarge.Message, null),
        _ => throw new InvalidOperationException($"unexpected {outcome.Exception.GetType().Name} while sending: {outcome.Exception.Message}", outcome.Exception),
    };

    private static string Describe(Exception ex) => ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;

    /// <summary>What a failure to connect said, once: a socket's names the host and port, a TLS failure's the certificate's fault.</summary>
    private static string Said(Exception ex) => ex.InnerException is null or System.Net.Sockets.SocketException ? ex.Message : ex.InnerException.Message;

    private static readonly string[] LimitWords = ["seat", "licen", "plan", "quota", "limit"];

    private static readonly string[] DuplicateWords = ["taken", "exist", "already", "duplicate", "registered", "member of"];

    /// <summary>A response's verdict; its message is safe to show (control characters escaped: <see cref="SafeText"/>).</summary>
    /// <param name="targetProven">Whether a request of this run has succeeded (see the other overload).</param>
    public static ApiVerdict Classify(ApiResponse response, bool targetProven = true) => ClassifyStatus(response, targetProven) is var verdict && verdict.Message is { } message
        ? verdict with { RequestId = response.RequestId, Message = SafeText.Of(message) }
        : verdict with { RequestId = response.RequestId };

    private static ApiVerdict ClassifyStatus(ApiResponse response, bool targetProven)
    {
        var status = response.Status;
        return status switch
        {
            >= 200 and < 300 when SuccessAnswer.Problem(response) is { } problem => new(ApiVerdictKind.Unconfirmed, status, null,
                $"HTTP {status}, but the answer is not Tallyfy's ({problem}): it may or may not have been applied", null),
            >= 200 and < 300 => new(ApiVerdictKind.Succeeded, status, ReadId(response.RawBody), null, null),
            >= 300 and < 400 => new(ApiVerdictKind.Rejected, status, null, Redirected(response), null),
            422 => ClassifyValidationError(response),
            401 => new(ApiVerdictKind.Unauthorized, status, null,
                $"HTTP 401: the access token was refused (expired, revoked or logged out){Detail(response.Body)}", null),
            404 when WrongTarget.IsUnknownEndpoint(response) => new(ApiVerdictKind.WrongTarget, status, null,
                $"HTTP 404 ENDPOINT_NOT_FOUND: Tallyfy has no such API endpoint: {WrongTarget.CheckPath}{Detail(response.Body)}", null),
            404 when WrongTarget.IsUnknownOrganization(response) => new(ApiVerdictKind.WrongTarget, status, null,
                $"HTTP 404: Tallyfy has no such organization: {WrongTarget.CheckOrganization}{Detail(response.Body)}", null),
            404 when !targetProven && WrongTarget.IsNotTallyfys404(response) => new(ApiVerdictKind.WrongTarget, status, null,
                $"HTTP 404 that is not Tallyfy's answer (another server, or a path outside its API) before any request succeeded: {WrongTarget.CheckPath}", null),
            403 when response.Body.Contains(WrongOrganization, StringComparison.OrdinalIgnoreCase) => new(ApiVerdictKind.WrongTarget, status, null,
                $"HTTP 403: the token belongs to another organization: check Tallyfy:OrganizationId and the token{Detail(response.Body)}", null),
            403 when NamesSso(response.Body) => new(ApiVerdictKind.InvitesBlockedBySso, status, null, $"HTTP 403: the organization requires SSO, so manual member invites are blocked{Detail(response.Body)}", null),
            403 => new(ApiVerdictKind.Forbidden, status, null, $"HTTP 403: Tallyfy refused this request{Detail(response.Body)}", null),
            429 => new(ApiVerdictKind.RateLimited, status, null, "HTTP 429: rate limited", response.RetryAfter),
            402 => new(ApiVerdictKind.AccountLimit, status, null, $"HTTP 402: the Tallyfy plan does not allow more people{Detail(response.Body)}", null),
            409 when response.Body.Contains("seat", StringComparison.OrdinalIgnoreCase) => SeatPool(response.Body) is { } pool
                ? new(ApiVerdictKind.SeatsExhausted, status, null, $"HTTP 409: no seats left in the {pool} seat pool{Detail(response.Body)}", null) { SeatPool = pool }
                : new(ApiVerdictKind.SeatsExhausted, status, null, $"HTTP 409: no seats left for more members{Detail(response.Body)}", null),
            409 when LimitWords.Any(w => response.Body.Contains(w, StringComparison.OrdinalIgnoreCase)) =>
                new(ApiVerdictKind.AccountLimit, status, null, $"HTTP 409: no seats left for more people{Detail(response.Body)}", null),
            408 or >= 500 => new(ApiVerdictKind.Transient, status, null, $"HTTP {status}{Detail(response.Body)}", response.RetryAfter),
            _ => new(ApiVerdictKind.Rejected, status, null, $"HTTP {status}{Detail(response.Body)}", null),
        };
    }

    /// <summary>
    /// A 3xx is never Tallyfy's answer to a write (a proxy, an SSO gateway or a maintenance page sent it):
    /// it is not followed, so nothing is known to have been created, and the row fails for good (a re-run
    /// sends it again). The message says where it pointed, so the admin can fix <c>Tallyfy:BaseUrl</c>.
    /// </summary>
    private static string Redirected(ApiResponse response) =>
        $"HTTP {response.Status}: answered with a redirect to {(response.Location is { } location ? Truncate(location.ToString()) : "(no Location)")}, which is not followed (the request and the token are never sent elsewhere); check Tallyfy:BaseUrl";
    /// <summary>Tallyfy's words for an application token used on another organization (TALLYFY-API.md, "Errors").</summary>
    private const string WrongOrganization = "application's permissions for this organization";

    /// <summary>With "Require SSO" on, Tallyfy blocks manual invites; its status is undocumented: a 403 that names SSO.</summary>
    private static bool NamesSso(string body) =>
        System.Text.RegularExpressions.Regex.IsMatch(body, @"\bSSO\b|single[ -]sign[ -]on", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>A seat-pool 409's <c>details.pool_type</c>, lower-cased (<c>full</c> or <c>light</c>).</summary>
    private static string? SeatPool(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
            return error.ValueKind == JsonValueKind.Object && error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object
                && details.TryGetProperty("pool_type", out var pool) && pool.ValueKind == JsonValueKind.String
                ? pool.GetString()!.Trim().ToLowerInvariant()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ApiVerdict ClassifyValidationError(ApiResponse response)
    {
        var (message, errors) = ReadLaravelError(response.Body);
        var isDuplicate = errors.Count > 0
            && errors.All(e => e.Field.Equals("email", StringComparison.OrdinalIgnoreCase)
                && e.Messages.Count > 0
                && e.Messages.All(m => DuplicateWords.Any(w => m.Contains(w, StringComparison.OrdinalIgnoreCase))));
        if (isDuplicate)
        {
            return new(ApiVerdictKind.AlreadyExists, 422, null, string.Join(" ", errors.SelectMany(e => e.Messages)), null);
        }

        var details = errors.Count == 0
            ? message ?? Truncate(response.Body)
            : string.Join("; ", errors.Select(e => $"{e.Field}: {string.Join(" ", e.Messages)}"));
        return new(ApiVerdictKind.Rejected, 422, null, $"HTTP 422: {details}", null);
    }

    private static (string? Message, List<(string Field, List<string> Messages)> Errors) ReadLaravelError(string body)
    {
        var errors = new List<(string, List<string>)>();
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, errors);
            }

            string? message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in e.EnumerateObject())
                {
                    var messages = property.Value.ValueKind switch
                    {
                        JsonValueKind.Array => property.Value.EnumerateArray()
                            .Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList(),
                        JsonValueKind.String => [property.Value.GetString()!],
                        _ => [],
                    };
                    errors.Add((property.Name, messages));
                }
            }

            return (message, errors);
        }
        catch (JsonException)
        {
            return (null, errors);
        }
    }

    /// <summary>The new record's id: a guest code (string) or a member id (number).</summary>
    private static string? ReadId(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var holder = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) ? data : root;
            if (holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty("id", out var id))
            {
                return id.ValueKind switch
                {
                    JsonValueKind.String => id.GetString(),
                    JsonValueKind.Number => id.GetRawText(),
                    _ => null,
                };
            }
        }
        catch (JsonException)
        {
            // A success with an unreadable body is still a success; only the id is unknown.
        }

        return null;
    }

    private static string Detail(string body)
    {
        var (message, errors) = ReadLaravelError(body);
        var text = message ?? (errors.Count > 0 ? string.Join("; ", errors.Select(e => $"{e.Field}: {string.Join(" ", e.Messages)}")) : Truncate(body));
        return string.IsNullOrWhiteSpace(text) ? string.Empty : ": " + text;
    }

    private static string Truncate(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 300 ? text : text[..300] + "...";
    }
}
