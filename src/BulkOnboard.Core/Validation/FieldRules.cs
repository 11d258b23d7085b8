using System.Globalization;
using FluentValidation;

namespace BulkOnboard.Validation;

/// <summary>The checks TALLYFY-API.md documents, as reusable FluentValidation rules.</summary>
internal static class FieldRules
{
    public const string ApiDateFormat = "yyyy-MM-dd HH:mm:ss";

    public static IRuleBuilderOptions<T, string?> ValidEmail<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("{PropertyName}: required")
            .Must(EmailAddress.IsValid).WithMessage("{PropertyName}: '{PropertyValue}' is not a valid email address");

    /// <summary>Length as the API counts it: characters (code points), not UTF-16 units.</summary>
    public static IRuleBuilderOptions<T, string?> MaxChars<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.Must(value => value is null || CharCount(value) <= max)
            .WithMessage((_, value) => $"{{PropertyName}}: longer than {max} characters ({CharCount(value!)})");

    public static IRuleBuilderOptions<T, string?> Required<T>(this IRuleBuilder<T, string?> rule, string hint) =>
        rule.NotEmpty().WithMessage("{PropertyName}: required " + hint);

    public static IRuleBuilderOptions<T, string?> HttpUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || IsHttpUrl(value))
            .WithMessage("{PropertyName}: '{PropertyValue}' is not a valid URL (expected http:// or https://...)");

    public static IRuleBuilderOptions<T, string?> IanaTimeZone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || TimeZoneNames.Canonicalize(value) is not null)
            .WithMessage("{PropertyName}: '{PropertyValue}' is not an IANA time zone such as Europe/Paris or America/New_York");

    public static IRuleBuilderOptions<T, string?> MemberIds<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || ParseMemberIds(value) is not null)
            .WithMessage("{PropertyName}: '{PropertyValue}' is not a list of member ids (whole numbers separated by ';', ',' or spaces)");

    public static IRuleBuilderOptions<T, string?> ApiDateTime<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || DateTime.TryParseExact(value, ApiDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .WithMessage("{PropertyName}: '{PropertyValue}' is not a date in the form " + ApiDateFormat);

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
