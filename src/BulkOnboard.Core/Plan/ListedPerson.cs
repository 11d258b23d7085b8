using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>A person of a Tallyfy listing, with what a sync compares; a field the listing lacks is <c>null</c>.</summary>
/// <param name="Status">Members: <c>active</c>, <c>invited</c> or <c>disabled</c>.</param>
internal sealed record ListedPerson(string Email, string? Id, string? FirstName, string? LastName, string? Role, string? Status, bool IsDefaultAdmin,
    IReadOnlyList<long>? AssociatedMembers)
{
    /// <summary>The person's IANA time zone, when the listing shows it.</summary>
    public string? Timezone { get; init; }

    /// <summary>A bot account, when the listing says so (<c>is_bot</c>): it can never take over anyone's work.</summary>
    public bool IsBot { get; init; }

    /// <summary>Normalized email → Tallyfy id of the people that have one (groups list members by id).</summary>
    public static Dictionary<string, string> IdsByEmail(IEnumerable<ListedPerson> people)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var person in people.Where(p => p.Id is not null))
        {
            ids.TryAdd(EmailAddress.Normalize(person.Email), person.Id!);
        }

        return ids;
    }
}

