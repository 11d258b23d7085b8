using System.Text.RegularExpressions;

namespace BulkOnboard.Delivery;

/// <summary>Removes credentials from text that may reach a log, a report or an exception message.</summary>
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

        return BearerToken().Replace(text, "Bearer " + Mask);
    }

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();
}
