using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>
/// The sync planner, on dates: what a roster row's dates change in a sync (PRODUCT.md, "Dates"): a joiner whose start is further than
/// the lead time is scheduled, not sent; a person whose last day is over is a leaver while still listed
/// (no absence grace: the date is explicit; the leaver policy judges it with the absent ones); a future end date schedules the
/// leaver action for the end of that day, their time.
/// </summary>
internal static partial class RosterPlanner
{
    /// <summary>The row's change when its dates decide it, or <c>null</c>.</summary>
    private static PlannedChange? JudgeDates(ValidatedRow row, ListedPerson? listed, bool managed, DatePolicy dates, SyncOptions options)
    {
        var kind = row.Kind!.Value;
        var email = EmailAddress.Normalize(row.Email);
        var disabled = kind == PersonKind.Member && string.Equals(listed?.Status, "disabled", StringComparison.OrdinalIgnoreCase);
        if (dates.HasEnded(row.Dates))
        {
            var ended = $"ended {row.Dates!.End:yyyy-MM-dd} (the end of that day, {row.Dates.Zone.Id}, has passed)";
            if (listed is null || disabled)
            {
                return new(row.RowNumber, kind, row.Email, PlanAction.Unchanged, $"{ended}: {(listed is null ? "not in Tallyfy, not sent" : "already deactivated")}", listed?.Id);
            }

            if (!managed)
            {
                return new(row.RowNumber, kind, row.Email, PlanAction.Unchanged, $"{ended}, but not onboarded by BulkOnboard: left alone (Sync:ManageExisting)", listed.Id);
            }

            var leaver = kind == PersonKind.Member
                ? new PlannedChange(row.RowNumber, kind, email, PlanAction.Deactivate, $"{ended}: deactivate (role {listed.Role ?? "unknown"}; Tallyfy also takes them out of every group)", listed.Id, listed.Role)
                : new PlannedChange(row.RowNumber, kind, email, PlanAction.Remove, $"{ended}: remove guest from the organization", listed.Id);
            return leaver;
        }

        if (listed is null && dates.JudgeJoiner(row, null) is { Due: { } due } scheduled)
        {
            return new(row.RowNumber, kind, row.Email, PlanAction.Schedule, scheduled.Message, Intended: due.Action == "create" ? PlanAction.Create : PlanAction.Invite);
        }

        return null;
    }

    /// <summary>The dated actions the plan schedules: its scheduled joiners (with their payloads) and its future leavers.</summary>
    private static List<DueAction> Due(IReadOnlyList<ValidatedRow> roster, IReadOnlyList<PlannedChange> changes, IReadOnlyDictionary<string, ListedPerson> members,
        IReadOnlyDictionary<string, ListedPerson> guests, SyncHistory history, string? source)
    {
        var due = new List<DueAction>();
        if (history.Dates is not { } dates)
        {
            return due;
        }

        for (var i = 0; i < roster.Count; i++)
        {
            var row = roster[i];
            if (!row.IsSendable || row.Dates is null)
            {
                continue;
            }

            if (changes[i].Action == PlanAction.Schedule && dates.JudgeJoiner(row, source)?.Due is { } joiner)
            {
                due.Add(joiner);
                continue;
            }

            var email = EmailAddress.Normalize(row.Email);
            var listed = (row.Kind == PersonKind.Member ? members : guests).GetValueOrDefault(email);
            if (!changes[i].Action.IsLeaverAction() && changes[i].Intent != PlanAction.Deactivate && changes[i].Intent != PlanAction.Remove
                && dates.FutureLeaver(row.Kind!.Value, row.Email, row.Dates, listed?.Id, source) is { } leaver)
            {
                due.Add(leaver);
            }
        }

        return due;
    }
}
