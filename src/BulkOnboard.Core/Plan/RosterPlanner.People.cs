using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>
/// People change (PRODUCT.md, "People change"): a guest now listed as a member is converted, not invited beside the
/// guest; a member now listed as a guest is converted (leaver-class: the leaver policy judges it); a member BulkOnboard
/// deactivated who is listed again is re-enabled, never re-invited; a person whose <c>employee_id</c> an earlier roster
/// listed under another email keeps one identity: the new one first, then the old one deactivated or removed with its open
/// tasks handed to the new one once the new one is active. Only people BulkOnboard onboarded, unless
/// <c>Sync:ManageExisting</c>.
/// </summary>
internal static partial class RosterPlanner
{
    private static PlannedChange ConvertToMember(ValidatedRow row, MemberPayload member, ListedPerson guest, SyncHistory history, SyncOptions options)
    {
        var email = EmailAddress.Normalize(row.Email);
        if (!LeaverPolicy.InScope(options, history.Onboarded.Contains((PersonKind.Guest, email))))
        {
            return new(row.RowNumber, PersonKind.Member, row.Email, PlanAction.Unchanged,
                "a guest BulkOnboard did not create is listed as a member: not converted (Sync:ManageExisting lets sync convert them; inviting the address beside the guest would make a second identity)", guest.Id);
        }

        var role = member.Role == "standard" ? string.Empty : $", then role {member.Role}";
        return new(row.RowNumber, PersonKind.Member, row.Email, PlanAction.ConvertToMember,
            $"contractor hired (convert_to_member): guest converted to a member, keeping their task history (Tallyfy makes them standard first{role}; it needs a free seat)", guest.Id, Role: member.Role)
        {
            WasOurs = history.Onboarded.Contains((PersonKind.Guest, email)),
        };
    }

    private static PlannedChange ConvertToGuest(ValidatedRow row, ListedPerson member, SyncHistory history, SyncOptions options)
    {
        var email = EmailAddress.Normalize(row.Email);
        if (member.IsDefaultAdmin)
        {
            return new(row.RowNumber, PersonKind.Guest, row.Email, PlanAction.Unchanged, "the default administrator is listed as a guest: never converted", member.Id);
        }

        if (!LeaverPolicy.InScope(options, history.Onboarded.Contains((PersonKind.Member, email))))
        {
            return new(row.RowNumber, PersonKind.Guest, row.Email, PlanAction.Unchanged,
                "a member BulkOnboard did not invite is listed as a guest: not converted (Sync:ManageExisting lets sync convert them)", member.Id);
        }

        return new(row.RowNumber, PersonKind.Guest, row.Email, PlanAction.ConvertToGuest,
            $"employee turned contractor (convert_to_guest): member (role {member.Role ?? "unknown"}) converted to a guest: deactivated as a member, out of every group, seat freed, open tasks kept", member.Id, member.Role)
        {
            WasOurs = history.Onboarded.Contains((PersonKind.Member, email)),
        };
    }

    /// <summary>
    /// A member BulkOnboard deactivated (or turned into a guest) listed again: re-enabled with the roster's role; a guest of the
    /// same email (they came back as a contractor meanwhile) hands their open tasks back and goes, so one identity is left.
    /// </summary>
    private static PlannedChange Rehire(ValidatedRow row, MemberPayload wanted, ListedPerson member, ListedPerson? guest, SyncHistory history)
    {
        if (!history.DeactivatedByUs.Contains(EmailAddress.Normalize(row.Email)))
        {
            return new(row.RowNumber, PersonKind.Member, row.Email, PlanAction.Unchanged,
                "deactivated in Tallyfy, not by BulkOnboard: sync does not re-enable them (re-enable them in Tallyfy)", member.Id);
        }

        var role = member.Role?.Trim().ToLowerInvariant() is { } was && was != wanted.Role ? $", role {was} -> {wanted.Role}" : string.Empty;
        var asGuest = guest is null ? string.Empty : "; the guest of the same email hands its open tasks back and is removed";
        return new(row.RowNumber, PersonKind.Member, row.Email, PlanAction.Reactivate,
            $"rehire: re-enabled (BulkOnboard deactivated them){role}, never invited again; Tallyfy e-mails them that their account is reactivated{asGuest}", member.Id,
            Role: role.Length > 0 ? wanted.Role : null)
        {
            GuestId = guest?.Id ?? (guest is null ? null : guest.Email),
            HasGuest = guest is not null,
        };
    }

    /// <summary>The roster's identities to remember (key, kind, email): a key on rows of two emails is no key (a placeholder such as N/A).</summary>
    public static List<(string Key, PersonKind Kind, string Email)> Identities(IReadOnlyList<ValidatedRow> roster) =>
        [.. roster.Where(r => r is { IsSendable: true, EmployeeId: not null, Kind: not null }).GroupBy(r => r.EmployeeId!, StringComparer.Ordinal)
            .Where(g => g.Select(r => EmailAddress.Normalize(r.Email)).Distinct().Count() == 1)
            .SelectMany(g => g.Select(r => (g.Key, r.Kind!.Value, r.Email)))];

    /// <summary>
    /// Every identity an earlier roster listed under a row's <c>employee_id</c> with another email, still live in Tallyfy: a
    /// line for it (its change, or why it waits), and the set of them, which are no leavers.
    /// </summary>
    private static (List<PlannedChange> Lines, HashSet<(PersonKind, string)> Superseded) ChangeEmails(IReadOnlyList<ValidatedRow> roster, List<PlannedChange> changes,
        Dictionary<string, ListedPerson> members, Dictionary<string, ListedPerson> guests, HashSet<string> inRoster, SyncHistory history, SyncOptions options)
    {
        var lines = new List<PlannedChange>();
        var superseded = new HashSet<(PersonKind, string)>();
        // A key on rows of two emails names nobody for certain (a placeholder such as N/A): it changes nobody's identity.
        var shared = roster.Where(r => r is { IsSendable: true, EmployeeId: not null }).GroupBy(r => r.EmployeeId!, StringComparer.Ordinal)
            .Where(g => g.Select(r => EmailAddress.Normalize(r.Email)).Distinct().Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < roster.Count; i++)
        {
            var row = roster[i];
            if (row is not { IsSendable: true, EmployeeId: { } key, Kind: { } kind } || row.DuplicateOfRow is not null || shared.Contains(key) || !history.Identities.TryGetValue(key, out var known))
            {
                continue;
            }

            var email = EmailAddress.Normalize(row.Email);
            foreach (var (oldKind, oldEmail) in known.Where(k => k.Email != email && !inRoster.Contains(EmailAddress.Comparable(k.Email))).Distinct())
            {
                var old = (oldKind == PersonKind.Member ? members : guests).GetValueOrDefault(oldEmail);
                if (old is null || string.Equals(old.Status, "disabled", StringComparison.OrdinalIgnoreCase) || !superseded.Add((oldKind, oldEmail)))
                {
                    continue;
                }

                if (!LeaverPolicy.InScope(options, history.Onboarded.Contains((oldKind, oldEmail))) || old.IsDefaultAdmin)
                {
                    lines.Add(new(null, oldKind, oldEmail, PlanAction.Unchanged, $"employee_id {key} is now {row.Email}: this identity is not BulkOnboard's, left alone", old.Id));
                    continue;
                }

                lines.Add(ChangeEmail(key, oldKind, oldEmail, old, kind, row.Email, members, guests));
                changes[i] = changes[i] with { Detail = $"{changes[i].Detail}; employee_id {key}, formerly {oldEmail}" };
            }
        }

        return (lines, superseded);
    }

    /// <summary>The old identity's line: it goes now (with its tasks handed to the new one), or waits for the new one.</summary>
    private static PlannedChange ChangeEmail(string key, PersonKind oldKind, string oldEmail, ListedPerson old, PersonKind newKind, string newEmail,
        Dictionary<string, ListedPerson> members, Dictionary<string, ListedPerson> guests)
    {
        var to = EmailAddress.Normalize(newEmail);
        var why = $"email changed to {newEmail} (employee_id {key})";
        var ready = newKind == PersonKind.Member
            ? members.GetValueOrDefault(to) is { Id: { } id, Status: var status } && string.Equals(status ?? "active", "active", StringComparison.OrdinalIgnoreCase) ? id : null
            : guests.ContainsKey(to) ? to : null;
        if (ready is null)
        {
            var wait = newKind == PersonKind.Member ? "until the new address is an active member (invited, not yet accepted)" : "until the new guest is in Tallyfy";
            return new(null, oldKind, oldEmail, PlanAction.Unchanged, $"{why}: waits {wait}; then deactivated with its open tasks handed over", old.Id);
        }

        if (oldKind == PersonKind.Member && newKind == PersonKind.Guest)
        {
            return new(null, oldKind, oldEmail, PlanAction.Unchanged, $"{why}, now a guest: a member's tasks cannot be handed to a guest on deactivation; deactivate it by hand once its work is moved", old.Id);
        }

        var what = oldKind == PersonKind.Member ? "deactivated with its open tasks handed to the new address" : "its open tasks moved to the new address, then the guest removed";
        return new(null, oldKind, oldEmail, PlanAction.ChangeEmail, $"{why}: {what}", old.Id, old.Role)
        {
            Successor = to,
            SuccessorId = newKind == PersonKind.Member ? ready : null,
        };
    }
}
