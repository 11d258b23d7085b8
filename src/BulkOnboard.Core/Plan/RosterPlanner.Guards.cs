using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>
/// The sync planner's guards: how long a leaver has been missing, and the leaver policy's verdicts
/// (<see cref="LeaverPolicy"/>, the one owner of whether a person may go) turned into the plan's holds.
/// </summary>
internal static partial class RosterPlanner
{
    /// <summary>
    /// How long a person is missing once this roster is applied: one more distinct roster, unless it is
    /// the very roster (same SHA-256) they were last missed from; the clock runs from the first miss.
    /// </summary>
    private static Absence MissingNow(Absence? earlier, SyncHistory history) => earlier switch
    {
        null => new Absence(1, history.Now, history.RosterSha256),
        _ when earlier.LastRosterSha256 == history.RosterSha256 => earlier with { Since = earlier.Since ?? history.Now },
        _ => new Absence(earlier.Rosters + 1, earlier.Since ?? history.Now, history.RosterSha256),
    };

    /// <summary>
    /// Judges every leaver action of the plan at once (the dated ones on their rows and the absent ones) and
    /// holds those the policy holds; returns the guards in words, the batch's first.
    /// </summary>
    private static List<string> HoldLeavers(List<PlannedChange> changes, IReadOnlyDictionary<string, ListedPerson> members, IReadOnlyDictionary<string, ListedPerson> guests,
        Dictionary<(PersonKind, string), Absence> missing, LeaverWindow window, SyncHistory history, LeaverPolicy policy)
    {
        var at = Enumerable.Range(0, changes.Count).Where(i => changes[i].Action.IsLeaverClass()).ToList();
        // An old identity of a new email has no absence: its person is in the roster under the new one.
        var candidates = at.Select(i => Candidate(changes[i], members, guests, history, changes[i].Row is null ? missing.GetValueOrDefault((changes[i].Kind, changes[i].Email)) : null)).ToList();
        var verdicts = policy.Judge(candidates, window, history.Now);
        var guards = new List<string>();
        for (var k = 0; k < at.Count; k++)
        {
            if (verdicts[k].LeftAlone || verdicts[k].Guard is not { } guard)
            {
                continue;
            }

            var change = changes[at[k]];
            changes[at[k]] = change with
            {
                Action = PlanAction.Hold,
                Intended = change.Intent,
                HeldCode = verdicts[k].Code,
                Detail = change.Row is null ? $"held: {guard}" : $"held: {guard} ({change.Detail})",
            };
            if (!guards.Contains(guard))
            {
                guards.Add(guard);
            }
        }

        // The batch's guard first: it is the one an admin acts on.
        return [.. guards.OrderBy(g => verdicts.Any(v => v.Guard == g && v.Code is LeaverPolicy.CodeRoster or LeaverPolicy.CodeCap or LeaverPolicy.CodeCapPercent) ? 0 : 1).Take(40)];
    }

    /// <summary>
    /// Dated leavers are judged when they are scheduled, as they will be when they come due: each person, and
    /// the leavers that come due within 24 hours of one another as one batch. A held one is parked in the
    /// journal with its guard, reported on a line of its own; its row keeps its own change.
    /// </summary>
    private static List<DueAction> HoldScheduledLeavers(List<DueAction> due, List<PlannedChange> changes, IReadOnlyDictionary<string, ListedPerson> members,
        IReadOnlyDictionary<string, ListedPerson> guests, LeaverWindow window, SyncHistory history, LeaverPolicy policy, List<string> guards)
    {
        var judged = due.Select(d => !d.IsLeaver ? d : Park(d, policy.JudgePerson(Candidate(d.Kind, d.Email, members, guests, history), d.DueAt))).ToList();
        var going = judged.Where(d => d.IsLeaver && d.HeldCode is null).ToList();
        judged = [.. judged.Select(d =>
        {
            if (!d.IsLeaver || d.HeldCode is not null)
            {
                return d;
            }

            // Scheduled now, carried out later: the 24 hours of the caps are those around its due time.
            var together = going.Count(o => (o.DueAt - d.DueAt).Duration() < LeaverPolicy.CapWindow);
            return policy.GuardBatch(together, window with { CarriedOutLast24Hours = 0 }) is { } batch ? d with { HeldCode = batch.Code, HeldReason = batch.Guard } : d;
        })];

        foreach (var held in judged.Where(d => d.IsLeaver && d.HeldReason is not null))
        {
            // The row keeps its own change (a current employee still gets their groups and names): the hold is the scheduled action's.
            if (!guards.Contains(held.HeldReason!))
            {
                guards.Add(held.HeldReason!);
            }
        }

        return judged;

        static DueAction Park(DueAction action, LeaverVerdict verdict) => verdict.LeftAlone || verdict.Guard is null ? action : action with { HeldCode = verdict.Code, HeldReason = verdict.Guard };
    }

    private static LeaverCandidate Candidate(PlannedChange change, IReadOnlyDictionary<string, ListedPerson> members, IReadOnlyDictionary<string, ListedPerson> guests,
        SyncHistory history, Absence? absence) =>
        // A member turned guest is judged as the member who goes.
        Candidate(change.Intent == PlanAction.ConvertToGuest ? PersonKind.Member : change.Kind, change.Email, members, guests, history) with { Absence = absence };

    private static LeaverCandidate Candidate(PersonKind kind, string email, IReadOnlyDictionary<string, ListedPerson> members, IReadOnlyDictionary<string, ListedPerson> guests,
        SyncHistory history)
    {
        var normalized = EmailAddress.Normalize(email);
        var listed = (kind == PersonKind.Member ? members : guests).GetValueOrDefault(normalized);
        return new LeaverCandidate(kind, normalized, listed?.Role, listed?.IsDefaultAdmin == true, history.Onboarded.Contains((kind, normalized)));
    }

    /// <summary>The people BulkOnboard manages in Tallyfy (onboarded by it, not deactivated): the size guard's baseline before any roster was applied.</summary>
    private static int Managed(IEnumerable<ListedPerson> members, IEnumerable<ListedPerson> guests, SyncHistory history) =>
        members.Count(m => history.Onboarded.Contains((PersonKind.Member, EmailAddress.Normalize(m.Email))) && !string.Equals(m.Status, "disabled", StringComparison.OrdinalIgnoreCase))
        + guests.Count(g => history.Onboarded.Contains((PersonKind.Guest, EmailAddress.Normalize(g.Email))));

    /// <summary>The roster row of a person the plan has a dated action for.</summary>
    private static int RowOf(List<PlannedChange> changes, DueAction action) =>
        changes.FindIndex(c => c.Row is not null && c.Kind == action.Kind && EmailAddress.Normalize(c.Email) == EmailAddress.Normalize(action.Email));
}
