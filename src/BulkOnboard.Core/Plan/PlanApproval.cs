using BulkOnboard.Input;

namespace BulkOnboard.Plan;

/// <summary>
/// <c>sync --apply</c>: exactly the approved plan (PRODUCT.md, "One way to change Tallyfy"). What the roster
/// and Tallyfy call for now is planned again (under the same leaver policy) and restricted to what was
/// approved: a change the plan shows as <c>hold</c> stays held even when its guard has lifted; a change the
/// plan lacks refuses the apply; an approved change no longer needed is reported, never dropped.
/// </summary>
/// <param name="Exact">The plan to carry out: today's, with what the approved plan held held.</param>
/// <param name="Beyond">Changes needed now that the approved plan does not cover (the apply is refused when any).</param>
/// <param name="NoLongerNeeded">Approved changes that today's plan no longer calls for (done by hand since, or the person is gone).</param>
internal sealed record PlanApproval(SyncPlan Exact, IReadOnlyList<PlannedChange> Beyond, IReadOnlyList<PlannedChange> NoLongerNeeded)
{
    public const string HeldInApprovedPlan = "held in the approved plan";

    public static PlanApproval Restrict(SyncPlan now, IReadOnlyList<PlannedChange> approved)
    {
        var approvedByKey = new Dictionary<string, PlannedChange>(StringComparer.Ordinal);
        foreach (var change in approved.Where(c => c.Intent != PlanAction.Unchanged))
        {
            approvedByKey.TryAdd(change.Key, change);
        }

        // A leaver leaves the groups BulkOnboard put them in: approving the leaver approves that.
        var approvedLeavers = approved.Where(c => c.Action.IsLeaverAction()).Select(c => (c.Kind, c.Email)).ToHashSet();
        var beyond = new List<PlannedChange>();
        var heldByApproval = new HashSet<(PersonKind, string)>();
        var changes = now.Changes.Select(change =>
        {
            if (change.Intent == PlanAction.Unchanged)
            {
                return change;
            }

            if (!approvedByKey.TryGetValue(change.Key, out var approvedChange))
            {
                beyond.Add(change);
                return change;
            }

            if (approvedChange.Action == PlanAction.Hold && change.Action != PlanAction.Hold)
            {
                heldByApproval.Add((change.Kind, change.Email));
                return change with
                {
                    Action = PlanAction.Hold, Intended = change.Intent, HeldCode = LeaverPolicy.CodeHeldInPlan,
                    Detail = $"{HeldInApprovedPlan} ({approvedChange.Detail}): a new plan is needed to apply it",
                };
            }

            return change;
        }).ToList();

        var followUps = new List<PlannedChange>();
        foreach (var change in now.FollowUps)
        {
            if (change.OfLeaver && heldByApproval.Contains((change.Kind, change.Email)))
            {
                continue;
            }

            if (!approvedByKey.ContainsKey(change.Key) && !(change.OfLeaver && approvedLeavers.Contains((change.Kind, change.Email))))
            {
                beyond.Add(change);
            }

            followUps.Add(change);
        }

        var nowKeys = now.All.Where(c => c.Intent != PlanAction.Unchanged).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var noLongerNeeded = approved.Where(c => c.Action is not (PlanAction.Unchanged or PlanAction.Hold or PlanAction.Schedule) && !c.OfLeaver && !nowKeys.Contains(c.Key)).ToList();
        foreach (var gone in noLongerNeeded.Where(c => c.Row is not null))
        {
            // Reported on the row's own line: what was approved, and that today's plan no longer calls for it.
            var i = changes.FindIndex(c => c.Row == gone.Row && c.Kind == gone.Kind);
            if (i >= 0)
            {
                changes[i] = changes[i] with { Detail = $"approved {gone.Intent.ToWord()} ({gone.Detail}) not carried out: no longer needed; {changes[i].Detail}" };
            }
        }

        return new PlanApproval(now with { Changes = changes, FollowUps = followUps }, beyond, noLongerNeeded);
    }
}
