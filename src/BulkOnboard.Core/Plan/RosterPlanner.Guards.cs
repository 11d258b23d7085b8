using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>The sync planner's guards: the grace by distinct rosters and by time, who a guard holds, the roster size and the caps.</summary>
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

    /// <summary>The guards that hold one person: the default administrator, admins, protected emails, the grace period (rosters and time).</summary>
    private static List<PlannedChange> HoldByPerson(List<PlannedChange> leavers, SyncHistory history, SyncOptions options, Dictionary<(PersonKind, string), Absence> missing)
    {
        var protectedEmails = options.Protected.Select(EmailAddress.Normalize).ToHashSet(StringComparer.Ordinal);
        return [.. leavers.Select(leaver =>
        {
            if (leaver.Action == PlanAction.Hold)
            {
                return leaver;
            }

            if (leaver.Kind == PersonKind.Member && string.Equals(leaver.Role, "admin", StringComparison.OrdinalIgnoreCase) && !options.AllowAdminLeavers)
            {
                return Held(leaver, "an admin: admins are not deactivated unless Sync:AllowAdminLeavers is true");
            }

            if (protectedEmails.Contains(leaver.Email))
            {
                return Held(leaver, "a protected email (Sync:Protected)");
            }

            var absence = missing[(leaver.Kind, leaver.Email)];
            if (absence.Rosters < options.LeaverGraceRuns)
            {
                return Held(leaver, $"grace: missing from {absence.Rosters} of the {options.LeaverGraceRuns} consecutive distinct rosters Sync:LeaverGraceRuns asks for");
            }

            var missingFor = history.Now - (absence.Since ?? history.Now);
            return missingFor < options.LeaverGracePeriod
                ? Held(leaver, $"grace: missing since {absence.Since:u} ({Describe(missingFor)}), less than Sync:LeaverGracePeriod ({options.LeaverGracePeriod})")
                : leaver;
        })];
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : $"{Math.Max(0, span.TotalMinutes):0} min";

    private static string? RosterGuard(int rosterPeople, SyncHistory history, IEnumerable<ListedPerson> members, IEnumerable<ListedPerson> guests, SyncOptions options)
    {
        // Against the largest roster applied within Sync:RosterBaselineWindow; before any, against the people BulkOnboard manages in Tallyfy.
        var baseline = history.RosterBaseline
            ?? members.Count(m => history.Onboarded.Contains((PersonKind.Member, EmailAddress.Normalize(m.Email))))
               + guests.Count(g => history.Onboarded.Contains((PersonKind.Guest, EmailAddress.Normalize(g.Email))));
        return baseline > 0 && rosterPeople * 100.0 < baseline * options.MinRosterPercent
            ? $"the roster has {rosterPeople} people, under {options.MinRosterPercent}% of the {baseline} of the largest roster applied within Sync:RosterBaselineWindow: no leavers are applied from it (Sync:MinRosterPercent)"
            : null;
    }

    private static string? CapGuard(int leavers, int rosterPeople, SyncHistory history, SyncOptions options)
    {
        if (leavers > options.MaxLeavers)
        {
            return $"{leavers} leavers are more than Sync:MaxLeavers ({options.MaxLeavers}) allows in one run";
        }

        var basis = Math.Max(history.RosterBaseline ?? 0, rosterPeople + leavers);
        return leavers * 100.0 > basis * options.MaxLeaversPercent
            ? $"{leavers} leavers are more than Sync:MaxLeaversPercent ({options.MaxLeaversPercent}% of {basis} people) allows in one run"
            : null;
    }

    private static PlannedChange Held(PlannedChange change, string guard) =>
        change with { Action = PlanAction.Hold, Intended = change.Intent, Detail = $"held: {guard}" };
}
