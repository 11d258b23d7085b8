using System.Text.Json;
using System.Text.RegularExpressions;

namespace BulkOnboard.Sandbox;

/// <summary>The API's field rules as the sandbox enforces them, with Laravel's wording.</summary>
internal static partial class SandboxRules
{
    private static readonly string[] Roles = ["admin", "standard", "light"];

    public static Dictionary<string, string[]> ValidateGuest(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>();
        Email(body, errors);
        foreach (var (field, max) in new[] { ("first_name", 200), ("last_name", 200), ("phone_1", 20), ("phone_2", 20), ("company_name", 200), ("opportunity_name", 200), ("status", 200) })
        {
            Max(body, field, max, errors);
        }

        foreach (var field in new[] { "company_url", "contact_url", "image_url", "opportunity_url" })
        {
            if (Text(body, field) is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                errors[field] = [$"The {Words(field)} format is invalid."];
            }
        }

        TimeZone(body, errors);
        if (body.TryGetProperty("associated_members", out var members)
            && (members.ValueKind != JsonValueKind.Array || members.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.Number || !m.TryGetInt64(out _))))
        {
            errors["associated_members"] = ["The associated members must be an array of integers."];
        }

        if (Text(body, "external_sync_source") is { } source && source != "salesforce")
        {
            errors["external_sync_source"] = ["The selected external sync source is invalid."];
        }

        return errors;
    }

    public static Dictionary<string, string[]> ValidateMember(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>();
        Email(body, errors);
        foreach (var field in new[] { "first_name", "last_name" })
        {
            if (Required(body, field, errors))
            {
                Max(body, field, 32, errors);
            }
        }

        if (Required(body, "role", errors) && !Roles.Contains(Text(body, "role")))
        {
            errors["role"] = ["The selected role is invalid."];
        }

        if (Required(body, "message", errors))
        {
            Max(body, "message", 5000, errors);
        }

        TimeZone(body, errors);
        return errors;
    }

    public static string? Text(JsonElement body, string field) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static void Email(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (Required(body, "email", errors) && !EmailPattern().IsMatch(Text(body, "email")!))
        {
            errors["email"] = ["The email must be a valid email address."];
        }
    }

    private static bool Required(JsonElement body, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(Text(body, field)))
        {
            errors[field] = [$"The {Words(field)} field is required."];
            return false;
        }

        return true;
    }

    private static void Max(JsonElement body, string field, int max, Dictionary<string, string[]> errors)
    {
        if (Text(body, field) is { } value && value.EnumerateRunes().Count() > max)
        {
            errors[field] = [$"The {Words(field)} may not be greater than {max} characters."];
        }
    }

    private static void TimeZone(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (Text(body, "timezone") is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            errors["timezone"] = ["The timezone must be a valid zone."];
        }
    }

    private static string Words(string field) => field.Replace('_', ' ');

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
