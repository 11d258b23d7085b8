using System.Text;
using System.Text.RegularExpressions;

namespace BulkOnboard.Input;

/// <summary>
/// Matches header cells to fields, ignoring case, spaces and punctuation ("E-mail Address" is
/// "emailaddress"), against the built-in aliases plus those from <c>Import:ColumnAliases</c>.
/// </summary>
internal sealed partial class HeaderMatcher
{
    private readonly Dictionary<string, string> _fieldByKey = new(StringComparer.Ordinal);

    public HeaderMatcher(IReadOnlyDictionary<string, string[]>? extraAliases = null)
    {
        foreach (var (field, aliases) in Field.BuiltInAliases)
        {
            Add(field, field);
            foreach (var alias in aliases)
            {
                Add(alias, field);
            }
        }

        foreach (var (field, aliases) in extraAliases ?? new Dictionary<string, string[]>())
        {
            var canonical = Resolve(field) ?? throw new InvalidOperationException(
                $"Import:ColumnAliases names '{field}', which is not a field BulkOnboard knows; use one of: {string.Join(", ", Field.BuiltInAliases.Keys)}");
            foreach (var alias in aliases)
            {
                // Configured aliases win over built-in ones: the admin knows their own files.
                _fieldByKey[Normalize(alias)] = canonical;
            }
        }
    }

    /// <summary>The field a header cell names, or <c>null</c> for a column BulkOnboard ignores.</summary>
    public string? Resolve(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        if (_fieldByKey.TryGetValue(Normalize(header), out var field))
        {
            return field;
        }

        // Template headers decorate names: "Email [Required]", "First name (givenName)", "* Email".
        var undecorated = Decoration().Replace(header, " ");
        return _fieldByKey.TryGetValue(Normalize(undecorated), out field) ? field : null;
    }

    /// <summary>Lower-case letters and digits only: "E-mail  Address" and "email_address" are the same key.</summary>
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private void Add(string alias, string field) => _fieldByKey.TryAdd(Normalize(alias), field);

    [GeneratedRegex(@"\[[^\]]*\]|\([^)]*\)|\brequired\b|\boptional\b|\*", RegexOptions.IgnoreCase)]
    private static partial Regex Decoration();
}
