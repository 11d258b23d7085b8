using System.Text.Json;
using BulkOnboard.Input;

namespace BulkOnboard.Delivery;

/// <summary>
/// What an endpoint answers when it succeeds (TALLYFY-API.md), as the request declares it
/// (<see cref="ApiResponse.Expected"/>): a 2xx is a success only when its body is that answer.
/// </summary>
internal enum AnswerShape
{
    /// <summary>Not judged here: reads and listings, whose readers take what they need from the body.</summary>
    Unchecked,

    /// <summary>A JSON object whose <c>data</c> holds the record, with its id: a guest created, a member invited, a guest updated or removed, a group created.</summary>
    Record,

    /// <summary>
    /// A JSON object that reports no error, or a 204 without a body: a write whose answer Tallyfy does not
    /// document (a role, a profile, a deactivation, re-enabling, a group's update).
    /// </summary>
    Acknowledgement,
}

/// <summary>
/// Whether a 2xx is the answer its endpoint gives (<see cref="AnswerShape"/>). A gateway's sign-in page, an
/// empty <c>201</c>, or <c>200 {"error": true, "message": "Internal failure, nothing was saved"}</c> is
/// not: such a write may or may not have been applied (<see cref="ApiVerdictKind.Unconfirmed"/>).
/// </summary>
internal static class SuccessAnswer
{
    /// <summary>What is wrong with a 2xx answer for what the request expected, or <c>null</c> when it is that answer.</summary>
    public static string? Problem(ApiResponse response)
    {
        if (response.Expected == AnswerShape.Unchecked)
        {
            return null;
        }

        var body = response.RawBody.Trim();
        if (body.Length == 0)
        {
            return response.Expected == AnswerShape.Acknowledgement && response.Status == 204 ? null : "an empty body";
        }

        if (body[0] == '<')
        {
            return "an HTML page (a sign-in page, a proxy's or a gateway's), not Tallyfy's JSON";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return $"a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object";
            }

            if (ReportsError(root))
            {
                // In its own words, from the scrubbed body: the raw one is only for reading structure.
                return $"it reports an error: {ErrorText(response.Body) ?? "error: true"}";
            }

            if (response.Expected == AnswerShape.Acknowledgement)
            {
                return null;
            }

            return !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object ? "no record in data"
                : !data.TryGetProperty("id", out var id) || id.ValueKind switch { JsonValueKind.Number => false, JsonValueKind.String => string.IsNullOrWhiteSpace(id.GetString()), _ => true }
                    ? "a record without an id"
                    : null;
        }
        catch (JsonException)
        {
            return $"not JSON ({Shorten(response.Body.Trim())})";
        }
    }

    /// <summary>Whether an answer reports an error: <c>error: true</c>, an error text or an error object.</summary>
    private static bool ReportsError(JsonElement root) =>
        root.TryGetProperty("error", out var error) && error.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.Object => true,
            JsonValueKind.String => !string.IsNullOrWhiteSpace(error.GetString()),
            _ => false,
        };

    /// <summary>The error's message (<c>message</c>, or <c>error.message</c>, or the <c>error</c> text), or <c>null</c>.</summary>
    private static string? ErrorText(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            string? Text(JsonElement holder, string name) =>
                holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Shorten(value.GetString()!) : null;
            return Text(root, "message") ?? (root.TryGetProperty("error", out var error) ? Text(error, "message") : null) ?? Text(root, "error");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text)
    {
        var line = SafeText.Of(text.ReplaceLineEndings(" "));
        return line.Length <= 120 ? line : line[..120] + "...";
    }
}
