using System.Globalization;
using System.Text;

namespace BulkOnboard.Validation;

/// <summary>
/// The email syntax BulkOnboard accepts: a practical address as mail systems deliver today
/// (dot-atom local part, a domain name with a top-level domain), internationalized letters allowed.
/// Quoted local parts, comments, IP-literal domains and dotless domains are refused: the API's
/// validator rejects them or no HR system has them, and a refused row costs nothing while a
/// rejected request costs a slot of the rate limit.
/// </summary>
public static class EmailAddress
{
    private const string AtomSpecials = "!#$%&'*+/=?^_`{|}~-";

    /// <summary>Trims and lower-cases an address into the key used to find duplicates.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public static bool IsValid(string? email)
    {
        if (string.IsNullOrEmpty(email) || email.Length > 254)
        {
            return false;
        }

        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1)
        {
            return false;
        }

        var local = email.AsSpan(0, at);
        var domain = email.AsSpan(at + 1);
        return IsValidLocalPart(local) && IsValidDomain(domain);
    }

    private static bool IsValidLocalPart(ReadOnlySpan<char> local)
    {
        if (Encoding.UTF8.GetByteCount(local) > 64 || local[0] == '.' || local[^1] == '.')
        {
            return false;
        }

        var previous = '\0';
        foreach (var c in local)
        {
            var ok = char.IsAsciiLetterOrDigit(c)
                || AtomSpecials.Contains(c)
                || (c == '.' && previous != '.')
                || IsInternationalLetter(c);
            if (!ok)
            {
                return false;
            }

            previous = c;
        }

        return true;
    }

    private static bool IsValidDomain(ReadOnlySpan<char> domain)
    {
        if (domain.Length > 253)
        {
            return false;
        }

        var labels = domain.ToString().Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || IsInternationalLetter(c)))
                {
                    return false;
                }
            }
        }

        // A top-level domain is never all digits: "user@10.0.0.1" is an IP address, not a domain.
        return !labels[^1].All(char.IsAsciiDigit);
    }

    private static bool IsInternationalLetter(char c)
    {
        if (c < 0x80)
        {
            return false;
        }

        var category = char.GetUnicodeCategory(c);
        return char.IsLetterOrDigit(c)
            || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            || char.IsSurrogate(c);
    }
}
