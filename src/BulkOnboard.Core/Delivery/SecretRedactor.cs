using System.Text.RegularExpressions;

namespace BulkOnboard.Delivery;

/// <summary>
/// Removes credentials from text that may reach a log, a report, a notification, the journal or an
/// exception message: the run's own tokens, any bearer credential, the guest <c>link</c> Tallyfy hands
/// out (a login-bypassing "forever link"), and any URL's query string (where tokens travel).
/// </summary>
internal static partial class SecretRedactor
{
    private const string Mask = "***";

    public static string Redact(string text, params ReadOnlySpan<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        text = BearerToken().Replace(text, "Bearer " + Mask);

        // Cheap checks first: most answers hold neither, and every answer passes here.
        if (text.Contains("\"link\"", StringComparison.OrdinalIgnoreCase))
        {
            text = LinkValue().Replace(text, "${name}\"" + Mask + "\"");
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            text = GuestLinkPath().Replace(text, "${start}" + Mask);
            text = UrlQuery().Replace(text, "${url}?" + Mask);
        }

        return text;
    }

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();

    /// <summary>A JSON <c>"link": "..."</c> member, whatever it holds (escaped quotes included).</summary>
    [GeneratedRegex(@"(?<name>""link""\s*:\s*)""(?:[^""\\]|\\.)*""", RegexOptions.IgnoreCase)]
    private static partial Regex LinkValue();

    /// <summary>A guest link's token is its path: <c>https://go.tallyfy.com/guest/&lt;token&gt;</c>.</summary>
    [GeneratedRegex(@"(?<start>https?://[^\s""'<>/]+(?:/[^\s""'<>/?#]+)*?/guest/)[^\s""'<>?#]+", RegexOptions.IgnoreCase)]
    private static partial Regex GuestLinkPath();

    /// <summary>A URL's query string (signed links, <c>?token=</c>, <c>?access_token=</c>).</summary>
    [GeneratedRegex(@"(?<url>https?://[^\s""'<>?#]+)\?[^\s""'<>#]+", RegexOptions.IgnoreCase)]
    private static partial Regex UrlQuery();
}
