using System.Globalization;
using System.Text;

namespace BulkOnboard.Validation;

/// <summary>
/// The email syntax BulkOnboard accepts: a practical address as mail systems deliver today, the
/// policy of python-email-validator (shared/corpora): a dot-atom local part (internationalized
/// characters allowed), a domain name whose IDNA form is valid and whose top-level domain is letters.
/// Quoted local parts, comments, IP-literal domains and dotless domains are refused. Two deliberate
/// differences: special-use domains such as <c>.test</c> are accepted (test and staging data use them),
/// and local parts over 64 octets are refused (RFC 5321's limit, which mail servers enforce).
/// </summary>
public static class EmailAddress
{
    private const string AtomSpecials = "!#$%&'*+/=?^_`{|}~-";

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>Trims and lower-cases an address into the key used to find duplicates.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public static bool IsValid(string? email)
    {
        if (string.IsNullOrEmpty(email) || !IsWellFormedUtf16(email))
        {
            return false;
        }

        // Checked as mail systems will see it, in Unicode normal form C (U+037E becomes ';', which is not
        // allowed); the length limit holds for the address as written too.
        var written = email;
        email = email.Normalize(NormalizationForm.FormC);
        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1)
        {
            return false;
        }

        var local = email[..at];
        var domain = email[(at + 1)..];
        var writtenLocalBytes = Encoding.UTF8.GetByteCount(written.AsSpan(0, written.LastIndexOf('@')));
        return IsValidLocalPart(local)
            && ToAsciiDomain(domain) is { } asciiDomain
            && Math.Max(Encoding.UTF8.GetByteCount(local), writtenLocalBytes) + 1 + asciiDomain.Length <= 254;
    }

    private static bool IsValidLocalPart(string local)
    {
        if (Encoding.UTF8.GetByteCount(local) > 64 || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        var first = true;
        foreach (var rune in local.EnumerateRunes())
        {
            var ok = rune.IsAscii
                ? char.IsAsciiLetterOrDigit((char)rune.Value) || AtomSpecials.Contains((char)rune.Value) || rune.Value == '.'
                : IsSafeInternational(rune, first);
            if (!ok)
            {
                return false;
            }

            first = false;
        }

        return true;
    }

    /// <summary>The domain in its ASCII (IDNA) form when it is a valid internet domain name; otherwise <c>null</c>.</summary>
    private static string? ToAsciiDomain(string domain)
    {
        if (domain.Length == 0 || domain.EnumerateRunes().Any(r => !r.IsAscii && !IsSafeInternational(r, first: false)))
        {
            return null;
        }

        string ascii;
        if (System.Text.Ascii.IsValid(domain))
        {
            // Nearly every address: no IDNA work needed (the label checks below still apply).
            ascii = domain;
        }
        else
        {
            try
            {
                ascii = Idn.GetAscii(domain);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        if (ascii.Length > 253)
        {
            return null;
        }

        var labels = ascii.Split('.');
        if (labels.Length < 2)
        {
            return null;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return null;
            }

            // Hyphens in the third and fourth places are reserved for IDNA; "xn--" labels must decode.
            if (label.Length >= 4 && label[2] == '-' && label[3] == '-' && !IsDecodableALabel(label))
            {
                return null;
            }
        }

        var tld = labels[^1];
        return tld.StartsWith("xn--", StringComparison.OrdinalIgnoreCase) || tld.All(char.IsAsciiLetter) ? ascii : null;
    }

    private static bool IsDecodableALabel(string label)
    {
        if (!label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var unicode = Idn.GetUnicode(label);
            return !string.Equals(unicode, label, StringComparison.OrdinalIgnoreCase);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Non-ASCII characters that can stand in an address: not spaces, controls, invisible formatting, private use or unassigned.</summary>
    private static bool IsSafeInternational(Rune rune, bool first)
    {
        var category = Rune.GetUnicodeCategory(rune);
        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator => false,

            // A combining mark needs a character to combine with.
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => !first,
            _ => true,
        };
    }

    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
