namespace BulkOnboard.Input;

/// <summary>Whether a row becomes a Tallyfy guest or an invited member.</summary>
public enum PersonKind
{
    Guest,
    Member,
}

/// <summary>Parses the words people use for a kind.</summary>
public static class PersonKinds
{
    /// <summary>Reads a kind cell or option: <c>guest</c>; <c>member</c>, <c>invitee</c>, <c>user</c>, <c>employee</c>.</summary>
    public static bool TryParse(string? text, out PersonKind kind)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "guest" or "guests":
                kind = PersonKind.Guest;
                return true;
            case "member" or "members" or "invitee" or "user" or "employee":
                kind = PersonKind.Member;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    public static string ToWord(this PersonKind kind) => kind == PersonKind.Guest ? "guest" : "member";
}
