using System.Globalization;

namespace BulkOnboard.Validation;

/// <summary>The checks TALLYFY-API.md documents. <see cref="PersonRules"/> turns them into FluentValidation rules.</summary>
internal static class FieldRules
{
    public const string ApiDateFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Present and not only white space (FluentValidation's NotEmpty, for strings).</summary>
    public static FieldCheck Required(string hint = "") =>
        new(value => !string.IsNullOrWhiteSpace(value), hint.Length == 0 ? "{PropertyName}: required" : "{PropertyName}: required " + hint);

    public static FieldCheck[] ValidEmail() =>
    [
        Required(),
        new(EmailAddress.IsValid, "{PropertyName}: '{PropertyValue}' is not a valid email address"),
    ];

    /// <summary>Length as the API counts it: characters (code points), not UTF-16 units.</summary>
    public static FieldCheck MaxChars(int max) =>
        new(value => value is null || value.Length <= max || CharCount(value) <= max, "",
            value => $"{{PropertyName}}: longer than {max} characters ({CharCount(value!)})");

    public static FieldCheck HttpUrl() =>
        new(value => value is null || IsHttpUrl(value), "{PropertyName}: '{PropertyValue}' is not a valid URL (expected http:// or https://...)");

    public static FieldCheck IanaTimeZone() =>
        new(value => value is null || TimeZoneNames.Canonicalize(value) is not null,
            "{PropertyName}: '{PropertyValue}' is not an IANA time zone such as Europe/Paris or America/New_York");

    public static FieldCheck MemberIds() =>
        new(value => value is null || ParseMemberIds(value) is not null,
            "{PropertyName}: '{PropertyValue}' is not a list of member ids (whole numbers separated by ';', ',' or spaces)");

    public static FieldCheck ApiDateTime() =>
        new(value => value is null || DateTime.TryParseExact(value, ApiDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "{PropertyName}: '{PropertyValue}' is not a date in the form " + ApiDateFormat);

    public static int CharCount(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    public static bool IsHttpUrl(string value) =>
        !value.Any(char.IsWhiteSpace)
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && (uri.Host.Contains('.', StringComparison.Ordinal) || uri.IsLoopback);

    /// <summary>Tallyfy's limit on a group's name.</summary>
    public const int MaxGroupName = 200;

    /// <summary>Group names separated by <c>;</c>, trimmed, each once (names compare without case).</summary>
    public static IReadOnlyList<string> ParseGroups(string? value) =>
        value is null ? [] : [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Positive integer ids separated by ';', ',' or white space; <c>null</c> when any part is not one.</summary>
    public static IReadOnlyList<long>? ParseMemberIds(string value)
    {
        var parts = value.Split([';', ',', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        var ids = new List<long>(parts.Length);
        foreach (var part in parts)
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                return null;
            }

            ids.Add(id);
        }

        return ids.Count == 0 ? null : ids;
    }
}
