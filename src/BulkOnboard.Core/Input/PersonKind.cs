namespace BulkOnboard.Input;

/// <summary>Whether a row becomes a Tallyfy guest or an invited member.</summary>
public enum PersonKind
{
    Guest,
    Member,
}

/// <summary>Parses the words people use for a kind.</summary>
internal static class PersonKinds
{
    /// <summary>
    /// Reads a kind cell or option: <c>guest</c>, and as HR writes it <c>Contractor</c>, <c>Contingent
    /// Worker</c>, <c>Vendor</c>, <c>Consultant</c>, <c>External</c>; <c>member</c>, <c>invitee</c>,
    /// <c>user</c>, <c>employee</c>, and <c>Staff</c>, <c>Full-Time</c>, <c>Part-Time</c>, <c>Intern</c>.
    /// Case, spaces, hyphens and underscores do not matter.
    /// </summary>
    public static bool TryParse(string? text, out PersonKind kind)
    {
        // The plain words first, without allocating: this runs once per row of a million-row file.
        var plain = text.AsSpan().Trim();
        if (plain.Equals("guest", StringComparison.OrdinalIgnoreCase) || plain.Equals("member", StringComparison.OrdinalIgnoreCase))
        {
            kind = plain[0] is 'g' or 'G' ? PersonKind.Guest : PersonKind.Member;
            return true;
        }

        var word = new string((text ?? string.Empty).Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        switch (word)
        {
            case "guest" or "guests" or "contractor" or "contractors" or "contingentworker" or "contingent" or "vendor" or "consultant" or "external":
                kind = PersonKind.Guest;
                return true;
            case "member" or "members" or "invitee" or "user" or "employee" or "employees" or "staff" or "fulltime" or "parttime" or "intern":
                kind = PersonKind.Member;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    public static string ToWord(this PersonKind kind) => kind == PersonKind.Guest ? "guest" : "member";
}
