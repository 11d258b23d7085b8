using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>
/// Plans a sync: compares the roster (every row, validated) with who Tallyfy has and what the journal
/// knows, and decides for each person: joiner (create, invite), mover (role, a guest's
/// <c>associated_members</c>), leaver (deactivate, remove) or unchanged; then holds leaver actions the
/// guards forbid. A pure function: it sends nothing and writes nothing.
/// </summary>
internal static partial class RosterPlanner
{
    public static SyncPlan Plan(IReadOnlyList<ValidatedRow> roster, TallyfyPeople tallyfy, SyncHistory history, SyncOptions options)
    {
        var members = tallyfy.Members.GroupBy(m => EmailAddress.Normalize(m.Email)).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var guests = tallyfy.Guests.GroupBy(g => EmailAddress.Normalize(g.Email)).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        // Anyone with an email in the roster stays, whatever the kind or validity of the row: an
        // invalid row must never read as "this person left".
        // Addresses are compared in one normal form (EmailAddress.Comparable): a zero-width space or a Unicode
        // domain on the row still names the person Tallyfy holds.
        var inRoster = roster.Select(r => r.Email).Where(e => !string.IsNullOrWhiteSpace(e)).Select(EmailAddress.Comparable).ToHashSet(StringComparer.Ordinal);
        var changes = new List<PlannedChange>(roster.Count + 16);
        foreach (var row in roster)
        {
            changes.Add(PlanRow(row, members, guests, history, options));
        }

        // A person known by their HR key under an earlier email: that identity is changed, not a leaver.
        var (changedEmails, superseded) = ChangeEmails(roster, changes, members, guests, inRoster, history, options);
        var (leavers, leftAlone, missing) = FindLeavers(members.Values, guests.Values, inRoster, history, options, superseded);
        changes.AddRange(changedEmails.Where(c => c.Action != PlanAction.Unchanged));
        leftAlone.AddRange(changedEmails.Where(c => c.Action == PlanAction.Unchanged));
        changes.AddRange(leavers.OrderBy(c => c.Kind).ThenBy(c => c.Email, StringComparer.Ordinal));

        // One policy for every leaver, dated (their row is still in the roster) or absent: each person, then the batch.
        var policy = new LeaverPolicy(options);
        var window = new LeaverWindow(inRoster.Count, history.RosterBaseline, history.LeaversLast24Hours, Managed(members.Values, guests.Values, history));
        var guards = HoldLeavers(changes, members, guests, missing, window, history, policy);
        var due = HoldScheduledLeavers(Due(roster, changes, members, guests, history, source: null), changes, members, guests, window, history, policy, guards);
        var followUps = PlanProfiles(roster, changes, members, history, options);
        followUps.AddRange(PlanGroups(roster, changes, tallyfy, history, options));
        foreach (var leaver in due.Where(d => d.IsLeaver))
        {
            // A future end date shows on its row: the person stays until then.
            var i = RowOf(changes, leaver);
            changes[i] = changes[i] with
            {
                Detail = $"{changes[i].Detail}; {leaver.Action} due {leaver.DueLocal} (end date){(leaver.HeldReason is { } held ? $", held when it comes due: {held}" : string.Empty)}",
            };
        }

        return new SyncPlan(changes, followUps, inRoster.Count, missing, guards)
        {
            LeftAlone = [.. leftAlone.OrderBy(c => c.Kind).ThenBy(c => c.Email, StringComparer.Ordinal)],
            Due = due,
        };
    }

    /// <summary>
    /// A member's names, when the roster's differ from Tallyfy's: <c>PUT /users/{id}</c> needs the time zone
    /// every time, so the row's (or the one Tallyfy lists) is sent, and without either nothing is (the
    /// row's detail says why). Only people BulkOnboard onboarded, never the default administrator.
    /// </summary>
    private static List<PlannedChange> PlanProfiles(IReadOnlyList<ValidatedRow> roster, List<PlannedChange> changes, Dictionary<string, ListedPerson> members,
        SyncHistory history, SyncOptions options)
    {
        var profiles = new List<PlannedChange>();
        for (var i = 0; i < roster.Count; i++)
        {
            if (roster[i] is not { IsSendable: true, Payload: MemberPayload member } row || changes[i].Action is PlanAction.Schedule or PlanAction.Hold || changes[i].Action.IsLeaverAction()
                || !members.TryGetValue(EmailAddress.Normalize(row.Email), out var listed)
                || listed.IsDefaultAdmin || listed.Id is null || string.Equals(listed.Status, "disabled", StringComparison.OrdinalIgnoreCase)
                || !LeaverPolicy.InScope(options, history.Onboarded.Contains((PersonKind.Member, EmailAddress.Normalize(row.Email)))))
            {
                continue;
            }

            var first = member.FirstName ?? listed.FirstName;
            var last = member.LastName ?? listed.LastName;
            if (first == listed.FirstName && last == listed.LastName)
            {
                continue;
            }

            var detail = $"name {listed.FirstName} {listed.LastName} -> {first} {last}";
            if ((member.Timezone ?? listed.Timezone) is not { } timezone)
            {
                changes[i] = changes[i] with { Detail = $"{changes[i].Detail}; {detail} not applied: Tallyfy's profile update needs a time zone and neither the row nor Tallyfy has one (add a Time Zone column)" };
                continue;
            }

            profiles.Add(new(row.RowNumber, PersonKind.Member, row.Email, PlanAction.UpdateProfile, detail, listed.Id, FirstName: first, LastName: last, Timezone: timezone));
        }

        return profiles;
    }

    /// <summary>
    /// Memberships: a row's groups are added (whoever the person is: adding takes nobody's access away);
    /// a membership is removed only when BulkOnboard added it and the row no longer names the group, or
    /// the person leaves. Memberships added by hand in Tallyfy stay.
    /// </summary>
    private static List<PlannedChange> PlanGroups(IReadOnlyList<ValidatedRow> roster, List<PlannedChange> changes, TallyfyPeople tallyfy, SyncHistory history, SyncOptions options)
    {
        var groupChanges = new List<PlannedChange>();
        var groupsByKey = ListedGroup.ByKey(tallyfy.Groups);
        var memberIds = ListedPerson.IdsByEmail(tallyfy.Members);
        var deactivated = tallyfy.Members.Where(m => string.Equals(m.Status, "disabled", StringComparison.OrdinalIgnoreCase))
            .Select(m => EmailAddress.Normalize(m.Email)).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < roster.Count; i++)
        {
            var row = roster[i];
            var email = EmailAddress.Normalize(row.Email);
            // A deactivated member gets no group, unless this sync re-enables them (a rehire: their groups come back).
            if (row.Groups is not { } wanted || !row.IsSendable || (row.Kind == PersonKind.Member && deactivated.Contains(email) && changes[i].Action != PlanAction.Reactivate)
                || changes[i].Action is PlanAction.Schedule or PlanAction.Hold || changes[i].Action.IsLeaverAction())
            {
                continue;
            }

            var kind = row.Kind!.Value;
            var wantedKeys = wanted.Select(ListedGroup.KeyOf).ToHashSet(StringComparer.Ordinal);
            foreach (var name in wanted)
            {
                if (!groupsByKey.TryGetValue(ListedGroup.KeyOf(name), out var group))
                {
                    groupChanges.Add(new(row.RowNumber, kind, row.Email, PlanAction.AddToGroup,
                        options.CreateGroups ? $"add to group {name} (a new group: Sync:CreateGroups)" : $"add to group {name}, which Tallyfy does not have (Sync:CreateGroups=true creates it)",
                        Group: name));
                }
                else if (!group.Holds(kind, email, memberIds))
                {
                    groupChanges.Add(new(row.RowNumber, kind, row.Email, PlanAction.AddToGroup, $"add to group {group.Name}", Group: group.Name));
                }
            }

            foreach (var group in tallyfy.Groups)
            {
                if (!wantedKeys.Contains(group.Key) && history.Memberships.Contains((group.Key, kind, email)) && group.Holds(kind, email, memberIds))
                {
                    groupChanges.Add(new(row.RowNumber, kind, row.Email, PlanAction.RemoveFromGroup, $"remove from group {group.Name} (BulkOnboard added it; the roster no longer names it)", Group: group.Name));
                }
            }
        }

        // A leaver who goes also leaves the groups BulkOnboard put them in.
        foreach (var leaver in changes.Where(c => c.Action.IsLeaverAction()))
        {
            foreach (var group in tallyfy.Groups)
            {
                if (history.Memberships.Contains((group.Key, leaver.Kind, leaver.Email)) && group.Holds(leaver.Kind, leaver.Email, memberIds))
                {
                    groupChanges.Add(new(leaver.Row, leaver.Kind, leaver.Email, PlanAction.RemoveFromGroup, $"remove from group {group.Name} (leaver)", leaver.TallyfyId, Group: group.Name, OfLeaver: true));
                }
            }
        }

        return groupChanges;
    }

    private static PlannedChange PlanRow(ValidatedRow row, Dictionary<string, ListedPerson> members, Dictionary<string, ListedPerson> guests, SyncHistory history, SyncOptions options)
    {
        var kind = row.Kind ?? PersonKind.Guest;
        if (!row.IsValid)
        {
            return new(row.RowNumber, kind, row.Email, PlanAction.Unchanged,
                row.FilteredBecause is { } why ? $"{why}; not treated as a leaver" : $"invalid row ({string.Join("; ", row.Errors)}); nothing is changed for this person, who is not treated as a leaver");
        }

        if (row.DuplicateOfRow is { } first)
        {
            return new(row.RowNumber, kind, row.Email, PlanAction.Unchanged, $"same email and kind as row {first}");
        }

        var email = EmailAddress.Normalize(row.Email);
        var managed = LeaverPolicy.InScope(options, history.Onboarded.Contains((kind, email)));

        // The same person under the other kind is converted, dates or not: a dated invite or create beside them would make a second identity.
        if (row.Payload is MemberPayload hired && !members.ContainsKey(email) && guests.TryGetValue(email, out var contractor))
        {
            return ConvertToMember(row, hired, contractor, history, options);
        }

        if (row.Payload is GuestPayload && !guests.ContainsKey(email) && members.TryGetValue(email, out var employee) && !string.Equals(employee.Status, "disabled", StringComparison.OrdinalIgnoreCase))
        {
            return ConvertToGuest(row, employee, history, options);
        }

        if (history.Dates is { } dates && row.Dates is not null
            && JudgeDates(row, (kind == PersonKind.Member ? members : guests).GetValueOrDefault(email), managed, dates, options) is { } dated)
        {
            return dated;
        }

        if (row.Payload is MemberPayload member)
        {
            if (!members.TryGetValue(email, out var listed))
            {
                return new(row.RowNumber, kind, row.Email, PlanAction.Invite, $"joiner: invite as {member.Role}");
            }

            if (string.Equals(listed.Status, "disabled", StringComparison.OrdinalIgnoreCase))
            {
                return Rehire(row, member, listed, guests.GetValueOrDefault(email), history);
            }

            var role = listed.Role?.Trim().ToLowerInvariant();
            if (role is not null && role != member.Role)
            {
                if (listed.IsDefaultAdmin)
                {
                    return new(row.RowNumber, kind, row.Email, PlanAction.Unchanged, $"the default administrator's role is never changed (roster says {member.Role})", listed.Id);
                }

                if (!managed)
                {
                    return new(row.RowNumber, kind, row.Email, PlanAction.Unchanged,
                        $"not onboarded by BulkOnboard: its role stays {role} (roster says {member.Role}; Sync:ManageExisting lets sync change it)", listed.Id);
                }

                return new(row.RowNumber, kind, row.Email, PlanAction.UpdateRole, $"role {role} -> {member.Role}", listed.Id, Role: member.Role);
            }

            return new(row.RowNumber, kind, row.Email, PlanAction.Unchanged, "Tallyfy already holds this member", listed.Id);
        }

        var guest = (GuestPayload)row.Payload!;
        if (!guests.TryGetValue(email, out var known))
        {
            return new(row.RowNumber, kind, row.Email, PlanAction.Create, "joiner: create guest");
        }

        if (guest.AssociatedMembers is { } wanted && !SameMembers(wanted, known.AssociatedMembers))
        {
            if (!managed)
            {
                return new(row.RowNumber, kind, row.Email, PlanAction.Unchanged,
                    "not onboarded by BulkOnboard: its associated members stay as Tallyfy has them (Sync:ManageExisting lets sync change them)", known.Id);
            }

            return new(row.RowNumber, kind, row.Email, PlanAction.UpdateGuest,
                $"associated members [{string.Join(", ", known.AssociatedMembers ?? [])}] -> [{string.Join(", ", wanted)}]", known.Id, AssociatedMembers: wanted);
        }

        return new(row.RowNumber, kind, row.Email, PlanAction.Unchanged, "Tallyfy already holds this guest", known.Id);
    }

    private static bool SameMembers(IReadOnlyList<long> wanted, IReadOnlyList<long>? held) =>
        wanted.Order().SequenceEqual((held ?? []).Order());

    /// <summary>
    /// Tallyfy's people missing from the roster: those in scope are leavers, the rest are left alone, each
    /// listed in the plan with why (so the plan's lines and its counts are the same people).
    /// </summary>
    private static (List<PlannedChange> Leavers, List<PlannedChange> LeftAlone, Dictionary<(PersonKind, string), Absence> Missing) FindLeavers(
        IEnumerable<ListedPerson> members, IEnumerable<ListedPerson> guests, HashSet<string> inRoster, SyncHistory history, SyncOptions options,
        IReadOnlySet<(PersonKind, string)> superseded)
    {
        var leavers = new List<PlannedChange>();
        var leftAlone = new List<PlannedChange>();
        var missing = new Dictionary<(PersonKind, string), Absence>();
        foreach (var (kind, person) in members.Select(m => (PersonKind.Member, m)).Concat(guests.Select(g => (PersonKind.Guest, g))))
        {
            var email = EmailAddress.Normalize(person.Email);
            if (inRoster.Contains(EmailAddress.Comparable(person.Email)) || superseded.Contains((kind, email)))
            {
                continue;
            }

            var gone = kind == PersonKind.Member && string.Equals(person.Status, "disabled", StringComparison.OrdinalIgnoreCase);
            if (gone || !LeaverPolicy.InScope(options, history.Onboarded.Contains((kind, email))))
            {
                leftAlone.Add(new PlannedChange(null, kind, email, PlanAction.Unchanged, $"not in the roster, left alone: {WhyLeftAlone(kind, person, email, gone, history)}", person.Id));
                continue;
            }

            missing[(kind, email)] = MissingNow(history.Absences.GetValueOrDefault((kind, email)), history);
            var leaver = kind == PersonKind.Member
                ? new PlannedChange(null, kind, email, PlanAction.Deactivate,
                    $"leaver: deactivate (role {person.Role ?? "unknown"}; Tallyfy also takes them out of every group)",
                    person.Id, person.Role)
                : new PlannedChange(null, kind, email, PlanAction.Remove, "leaver: remove guest from the organization", person.Id);
            leavers.Add(leaver);
        }

        return (leavers, leftAlone, missing);
    }

    private static string WhyLeftAlone(PersonKind kind, ListedPerson person, string email, bool gone, SyncHistory history) =>
        gone ? "already deactivated in Tallyfy"
        : person.IsDefaultAdmin ? "the organization's default administrator, whom BulkOnboard did not create or invite (and never deactivates)"
        : history.KnownNotOnboarded.TryGetValue((kind, email), out var last)
            ? $"BulkOnboard did not create or invite this {kind.ToWord()} (its last record: {last}); Sync:ManageExisting=true would manage it"
            : $"BulkOnboard did not create or invite this {kind.ToWord()}; Sync:ManageExisting=true would manage it";
}
