using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>A Tallyfy group: members by id, guests by email (TALLYFY-API.md, "Groups").</summary>
internal sealed record ListedGroup(string Id, string Name, string Description, IReadOnlyList<long> Members, IReadOnlyList<string> Guests)
{
    /// <summary>Whether the answer showed the member and guest lists (a group read without them has empty ones).</summary>
    public bool ShowsLists { get; init; } = true;

    /// <summary>Group names are unique without regard to case or surrounding spaces: this is the name compared.</summary>
    public static string KeyOf(string name) => name.Trim().ToLowerInvariant();

    public string Key => KeyOf(Name);

    /// <summary>The groups by <see cref="Key"/> (the first of a name, should Tallyfy list two).</summary>
    public static Dictionary<string, ListedGroup> ByKey(IEnumerable<ListedGroup> groups) =>
        groups.GroupBy(g => g.Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    /// <summary>Whether this person is in the group: guests by email, members by id (<paramref name="memberIds"/>: normalized email → id).</summary>
    public bool Holds(PersonKind kind, string email, IReadOnlyDictionary<string, string> memberIds) => kind == PersonKind.Guest
        ? Guests.Any(g => EmailAddress.Normalize(g) == EmailAddress.Normalize(email))
        : memberIds.TryGetValue(EmailAddress.Normalize(email), out var id) && long.TryParse(id, out var n) && Members.Contains(n);
}
