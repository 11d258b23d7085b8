using BulkOnboard.Input;

namespace BulkOnboard.Plan;

/// <summary>What a sync does to one person (PRODUCT.md, "Sync"; the words are <see cref="PlanActions.ToWord"/>).</summary>
public enum PlanAction
{
    Create,
    Invite,
    UpdateRole,
    UpdateGuest,
    Deactivate,
    Remove,
    Hold,
    Unchanged,
    AddToGroup,
    RemoveFromGroup,
    UpdateProfile,

    /// <summary>A dated joiner not due yet: scheduled, sent when its time comes (<see cref="PlannedChange.Intended"/> says what).</summary>
    Schedule,

    /// <summary>A guest now listed as a member (a contractor hired): <c>POST /guests/{email}/to/member</c>, keeping their task history, then the role.</summary>
    ConvertToMember,

    /// <summary>A member now listed as a guest (an employee turned contractor): <c>PUT /users/{id}/to/guest</c>; leaver-class, under the leaver policy.</summary>
    ConvertToGuest,

    /// <summary>A member BulkOnboard deactivated who is listed again (a rehire): <c>PUT /users/{id}/enable</c>, never a new invite.</summary>
    Reactivate,

    /// <summary>The old identity of a person whose email changed (same <c>employee_id</c>): deactivated or removed once the new one is active, its open tasks handed to it.</summary>
    ChangeEmail,
}

internal static class PlanActions
{
    public static string ToWord(this PlanAction action) => action switch
    {
        PlanAction.Create => "create",
        PlanAction.Invite => "invite",
        PlanAction.UpdateRole => "update_role",
        PlanAction.UpdateGuest => "update_guest",
        PlanAction.Deactivate => "deactivate",
        PlanAction.Remove => "remove",
        PlanAction.Hold => "hold",
        PlanAction.Unchanged => "unchanged",
        PlanAction.AddToGroup => "add_to_group",
        PlanAction.RemoveFromGroup => "remove_from_group",
        PlanAction.UpdateProfile => "update_profile",
        PlanAction.Schedule => "schedule",
        PlanAction.ConvertToMember => "convert_to_member",
        PlanAction.ConvertToGuest => "convert_to_guest",
        PlanAction.Reactivate => "reactivate",
        PlanAction.ChangeEmail => "change_email",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    public static bool TryParse(string? word, out PlanAction action)
    {
        foreach (var candidate in Enum.GetValues<PlanAction>())
        {
            if (candidate.ToWord() == word)
            {
                action = candidate;
                return true;
            }
        }

        action = default;
        return false;
    }

    /// <summary>Whether the action removes someone's access (what the guards are for).</summary>
    public static bool IsLeaverAction(this PlanAction action) => action is PlanAction.Deactivate or PlanAction.Remove;

    /// <summary>What the leaver policy judges: a leaver's action, a member turned guest (their seat and access go), and an old identity's deactivation or removal.</summary>
    public static bool IsLeaverClass(this PlanAction action) => action.IsLeaverAction() || action is PlanAction.ConvertToGuest or PlanAction.ChangeEmail;
}

/// <summary>
/// One line of a plan. Roster rows have their <see cref="Row"/>; leavers, who are in no row, have none.
/// A held leaver keeps the action it would have had in <see cref="Intended"/> and the guard in <see cref="Detail"/>.
/// </summary>
/// <param name="TallyfyId">The member's id, for role changes and deactivation.</param>
/// <param name="Role">The new role of <see cref="PlanAction.UpdateRole"/>.</param>
/// <param name="AssociatedMembers">The new list of <see cref="PlanAction.UpdateGuest"/>.</param>
/// <param name="OfLeaver">A leaver's removal from a group: recorded for undo.</param>
/// <param name="NotOurs">A membership undo puts back that BulkOnboard did not add (Tallyfy's deactivation took the member out of every group): restored, not claimed.</param>
internal sealed record PlannedChange(
    int? Row,
    PersonKind Kind,
    string Email,
    PlanAction Action,
    string Detail,
    string? TallyfyId = null,
    string? Role = null,
    IReadOnlyList<long>? AssociatedMembers = null,
    PlanAction? Intended = null,
    string? Group = null,
    string? FirstName = null,
    string? LastName = null,
    string? Timezone = null,
    bool NotOurs = false,
    bool OfLeaver = false)
{
    /// <summary>A leaver's open tasks when planned (<c>null</c>: not a leaver, or they could not be read).</summary>
    public int? OpenTasks { get; init; }

    /// <summary>Who takes over a leaver's open tasks (normalized email; <see cref="HandOver"/>), or <c>null</c>.</summary>
    public string? Successor { get; init; }

    /// <summary>The successor's member id: the deactivation's <c>to=</c>, added to a guest's tasks.</summary>
    public string? SuccessorId { get; init; }

    /// <summary>A rehire with a guest of the same email (back as a contractor meanwhile): that guest's id, for its own task list.</summary>
    public string? GuestId { get; init; }

    /// <summary>The leaver policy's guard holding this change (<see cref="LeaverPolicy"/>'s codes), when it holds it.</summary>
    public string? HeldCode { get; init; }

    /// <summary>A rehire has a guest of the same email to hand its tasks back and go.</summary>
    public bool HasGuest { get; init; }

    /// <summary>A conversion of someone BulkOnboard onboarded under their earlier kind: they stay BulkOnboard's under the new one (a conversion by <c>Sync:ManageExisting</c> claims nobody).</summary>
    public bool WasOurs { get; init; }

    public bool IsGroupChange => Intent is PlanAction.AddToGroup or PlanAction.RemoveFromGroup;

    /// <summary>What the change would do whatever the guards say: a plan approved with holds may be applied once they are lifted.</summary>
    public PlanAction Intent => Intended ?? Action;

    /// <summary>Identifies the change for comparing an approved plan with what the roster and Tallyfy call for now.</summary>
    public string Key => Intent switch
    {
        PlanAction.UpdateRole => $"{Kind.ToWord()}|{Email}|update_role|{Role}",
        PlanAction.UpdateGuest => $"{Kind.ToWord()}|{Email}|update_guest|{string.Join(",", AssociatedMembers ?? [])}",
        PlanAction.AddToGroup or PlanAction.RemoveFromGroup => $"{Kind.ToWord()}|{Email}|{Intent.ToWord()}|{(Group is null ? null : ListedGroup.KeyOf(Group))}",
        PlanAction.UpdateProfile => $"{Kind.ToWord()}|{Email}|update_profile|{FirstName}|{LastName}",
        PlanAction.Deactivate or PlanAction.Remove or PlanAction.ChangeEmail => $"{Kind.ToWord()}|{Email}|{Intent.ToWord()}|{Successor}",
        _ => $"{Kind.ToWord()}|{Email}|{Intent.ToWord()}",
    };
}

/// <summary>Who Tallyfy has now, as its listings say.</summary>
internal sealed record TallyfyPeople(IReadOnlyList<ListedPerson> Members, IReadOnlyList<ListedPerson> Guests)
{
    /// <summary>The organization's groups, when the sync manages any (the roster has a groups column, or BulkOnboard put people in groups before).</summary>
    public IReadOnlyList<ListedGroup> Groups { get; init; } = [];
}

/// <summary>How long a leaver has been missing: from how many distinct applied rosters, since when, and the last such roster's SHA-256.</summary>
/// <param name="Since">When the person was first missed (<c>null</c>: not known, the clock starts now).</param>
internal sealed record Absence(int Rosters, DateTimeOffset? Since, string? LastRosterSha256);

/// <summary>What the journal knows that a plan needs: who BulkOnboard onboarded, the roster baseline, leavers' absences.</summary>
/// <param name="RosterBaseline">The largest roster applied within <c>Sync:RosterBaselineWindow</c>, if any.</param>
internal sealed record SyncHistory(
    IReadOnlySet<(PersonKind Kind, string Email)> Onboarded,
    int? RosterBaseline,
    IReadOnlyDictionary<(PersonKind Kind, string Email), Absence> Absences)
{
    /// <summary>Group memberships BulkOnboard added: group name in lower case, kind, normalized email. Only these are ever removed.</summary>
    public IReadOnlySet<(string Group, PersonKind Kind, string Email)> Memberships { get; init; } = new HashSet<(string, PersonKind, string)>();

    /// <summary>People the journal knows who are not BulkOnboard's, with what it last did to them (why a plan leaves them alone).</summary>
    public IReadOnlyDictionary<(PersonKind Kind, string Email), string> KnownNotOnboarded { get; init; } = new Dictionary<(PersonKind, string), string>();

    /// <summary>When the plan is made (the grace period's clock).</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>Reads the roster's start and end dates against the clock, when it has any.</summary>
    public DatePolicy? Dates { get; init; }

    /// <summary>Deactivations and removals carried out in the 24 hours before <see cref="Now"/>, on any path: the caps count them.</summary>
    public int LeaversLast24Hours { get; init; }

    /// <summary>The SHA-256 of the roster being planned: the same roster twice counts once for the grace.</summary>
    public string RosterSha256 { get; init; } = string.Empty;

    /// <summary>Each HR key's identities (kind, normalized email) as earlier applied rosters listed them.</summary>
    public IReadOnlyDictionary<string, List<(PersonKind Kind, string Email)>> Identities { get; init; } = new Dictionary<string, List<(PersonKind, string)>>();

    /// <summary>The members BulkOnboard deactivated (normalized emails) and did not re-enable since: who a rehire re-enables.</summary>
    public IReadOnlySet<string> DeactivatedByUs { get; init; } = new HashSet<string>();
}

/// <summary>A sync's plan: a change per roster row and per leaver, with the guards' verdicts.</summary>
/// <param name="RosterPeople">Distinct emails in the roster, valid rows or not.</param>
/// <param name="Missing">Leavers and how long they have now been missing (recorded when the plan is applied).</param>
/// <param name="Guards">The guards that held leaver actions back, in words.</param>
/// <param name="Changes">One per roster row, in roster order, then one per leaver.</param>
/// <param name="FollowUps">What is applied after <paramref name="Changes"/>: member profiles, then memberships (one write per changed group).</param>
internal sealed record SyncPlan(
    IReadOnlyList<PlannedChange> Changes,
    IReadOnlyList<PlannedChange> FollowUps,
    int RosterPeople,
    IReadOnlyDictionary<(PersonKind Kind, string Email), Absence> Missing,
    IReadOnlyList<string> Guards)
{
    /// <summary>The dated actions this plan schedules (joiners not due yet, leavers whose end date is ahead), by due time.</summary>
    public IReadOnlyList<DueAction> Due { get; init; } = [];

    /// <summary>
    /// Tallyfy's people missing from the roster whom sync leaves alone (not onboarded by BulkOnboard, the default
    /// administrator, or already deactivated): in the plan with why they stay, never applied.
    /// </summary>
    public IReadOnlyList<PlannedChange> LeftAlone { get; init; } = [];

    /// <summary>How many people <see cref="LeftAlone"/> lists: the count is the list's, never a tally of its own.</summary>
    public int OutOfScope => LeftAlone.Count;

    /// <summary>How many of the plan's lines (<see cref="All"/>, what plan.csv lists) have <paramref name="action"/>.</summary>
    public int Count(PlanAction action) => All.Count(c => c.Action == action);

    /// <summary>Every line of the plan: rows, leavers, group memberships, then the people left alone.</summary>
    public IEnumerable<PlannedChange> All => Changes.Concat(FollowUps).Concat(LeftAlone);

    public IEnumerable<PlannedChange> Leavers => Changes.Where(c => c.Row is null);
}
