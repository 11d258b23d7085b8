namespace BulkOnboard.Delivery;

/// <summary>
/// What kind of request a 429 can hold (TALLYFY-API.md, "Rate limits"): Tallyfy caps guest creation per
/// organization per hour, so a guest-cap 429 holds guest creates while member invites, reads and other
/// writes go on.
/// </summary>
internal enum RequestScope
{
    /// <summary><c>POST /guests</c> (and a guest re-created by undo): what Tallyfy's hourly guest cap counts.</summary>
    GuestCreate,

    /// <summary><c>POST /users/invite</c>.</summary>
    MemberInvite,

    /// <summary>Listings and reads.</summary>
    Read,

    /// <summary>Every other write: role, profile, guest update, deactivation, removal, groups.</summary>
    Write,

    /// <summary>
    /// An onboarding journey's requests (<c>POST /runs</c>, the look-up after a lost answer, the read-back): a lane of their
    /// own that has a turn only when no other lane's request may go, so a launch never keeps a person waiting.
    /// </summary>
    Launch,

    /// <summary>Comments on a task (<c>POST /tasks/{id}/comment</c>): Tallyfy caps them at 120 an hour, and their cap holds only them.</summary>
    Comment,
}

internal static class RequestScopes
{
    /// <summary>The scope's name in the journal, the log and <c>summary.json</c>.</summary>
    public static string ToWord(this RequestScope scope) => scope switch
    {
        RequestScope.GuestCreate => "guest_create",
        RequestScope.MemberInvite => "member_invite",
        RequestScope.Read => "read",
        RequestScope.Launch => "launch",
        RequestScope.Comment => "comment",
        _ => "write",
    };

    public static RequestScope? Parse(string? word) =>
        Enum.GetValues<RequestScope>().Cast<RequestScope?>().FirstOrDefault(s => s!.Value.ToWord() == word);

    /// <summary>What a person reads: "guest creates", "member invites", ...</summary>
    public static string Describe(this RequestScope scope) => scope switch
    {
        RequestScope.GuestCreate => "guest creates",
        RequestScope.MemberInvite => "member invites",
        RequestScope.Read => "reads",
        RequestScope.Launch => "process launches",
        RequestScope.Comment => "comments",
        _ => "other writes",
    };

    public static RequestScope Of(Input.PersonKind kind) => kind == Input.PersonKind.Guest ? RequestScope.GuestCreate : RequestScope.MemberInvite;
}
