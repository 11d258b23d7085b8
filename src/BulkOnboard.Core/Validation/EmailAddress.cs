using System.Globalization;
using System.Text;

namespace BulkOnboard.Validation;

/// <summary>
/// The email syntax BulkOnboard accepts: a practical address as mail systems deliver today, the
/// policy of python-email-validator with SMTPUTF8 off (its test cases: tests/BulkOnboard.Tests/Corpora): an ASCII dot-atom
/// local part, a domain name that is valid in DNS and whose top-level domain is letters.
/// Internationalised addresses (RFC 6531: <c>ünïcode@…</c>, full-width <c>ａ@…</c>, a Unicode domain) are
/// not accepted: Tallyfy documents its rule as "RFC/DNS-valid" (TALLYFY-API.md, create guest), which is
/// RFC 5321/5322's ASCII syntax, and such an address fails there after costing a request. A domain in
/// its ASCII (<c>xn--</c>) form is accepted.
/// Quoted local parts, comments, IP-literal domains and dotless domains are refused. Two deliberate
/// differences: special-use domains such as <c>.test</c> are accepted (test and staging data use them),
/// and local parts over 64 octets are refused (RFC 5321's limit, which mail servers enforce).
/// </summary>
internal static class EmailAddress
{
    private const string AtomSpecials = "!#$%&'*+/=?^_`{|}~-";

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>Trims and lower-cases an address into the key used to find duplicates.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    private static readonly IdnMapping LenientIdn = new() { UseStd3AsciiRules = false, AllowUnassigned = true };

    /// <summary>
    /// The one form in which a roster's address and Tallyfy's are compared to decide who is still listed:
    /// however badly a row writes a person (invisible characters, a Unicode domain Tallyfy holds as
    /// <c>xn--</c>, full-width letters, <c>Name &lt;address&gt;</c>, <c>mailto:</c>), it still names them, so
    /// they are never read as a leaver. For that comparison only; never sent, never a key of the journal.
    /// </summary>
    public static string Comparable(string email)
    {
        var text = email.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            // Zero-width spaces and joiners, byte order marks, soft hyphens, direction marks, controls and spaces.
            if (char.GetUnicodeCategory(c) is not (UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.SpaceSeparator
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))
            {
                builder.Append(c);
            }
        }

        var address = builder.ToString();
        if (address.LastIndexOf('<') is var open and >= 0 && address.IndexOf('>', open) is var close and > 0)
        {
            address = address[(open + 1)..close];
        }

        address = address.Trim('"', '\'', '<', '>', ';', ',').ToLowerInvariant();
        if (address.StartsWith("mailto:", StringComparison.Ordinal))
        {
            address = address["mailto:".Length..];
        }

        var at = address.LastIndexOf('@');
        if (at < 0)
        {
            return address;
        }

        var domain = address[(at + 1)..].TrimEnd('.');
        try
        {
            domain = LenientIdn.GetAscii(domain).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            // Not a domain IDNA can encode: compared as written.
        }

        return address[..(at + 1)] + domain;
    }

    public static bool IsValid(string? email)
    {
        // ASCII only: internationalised local parts (and Unicode domains) are not accepted; see the summary.
        if (string.IsNullOrEmpty(email) || !System.Text.Ascii.IsValid(email) || !IsWellFormedUtf16(email))
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
        string ascii;
        if (System.Text.Ascii.IsValid(domain))
        {
            // Nearly every address: no IDNA work needed.
            ascii = domain;
        }
        else
        {
            foreach (var rune in domain.EnumerateRunes())
            {
                if (!rune.IsAscii && !IsSafeInternational(rune, first: false))
                {
                    return null;
                }
            }

            try
            {
                ascii = Idn.GetAscii(domain);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        return IsValidAsciiDomain(ascii) ? ascii : null;
    }

    /// <summary>Two or more labels of letters, digits and inner hyphens, each at most 63 long; a top-level domain of letters.</summary>
    private static bool IsValidAsciiDomain(ReadOnlySpan<char> ascii)
    {
        if (ascii.Length is 0 or > 253)
        {
            return false;
        }

        var labels = 0;
        var last = ReadOnlySpan<char>.Empty;
        foreach (var range in ascii.Split('.'))
        {
            var label = ascii[range];
            labels++;
            last = label;
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }

            // Hyphens in the third and fourth places are reserved for IDNA; "xn--" labels must decode.
            if (label.Length >= 4 && label[2] == '-' && label[3] == '-' && !IsDecodableALabel(label.ToString()))
            {
                return false;
            }
        }

        if (labels < 2)
        {
            return false;
        }

        if (last.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var c in last)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
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
