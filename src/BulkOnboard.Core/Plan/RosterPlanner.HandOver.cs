using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>
/// The plan's hand-over (PRODUCT.md, "Leavers hand their work over"): every leaver, carried out or held, shows
/// their open tasks and who takes them over (<see cref="HandOver"/>, the one rule); a leaver with open tasks and
/// no one to take them is held, and leaves no group either.
/// </summary>
internal static partial class RosterPlanner
{
    /// <summary>The plan's leavers whose open tasks it needs: every leaver action, carried out or held.</summary>
    public static IEnumerable<PlannedChange> Leaving(SyncPlan plan) => plan.Changes.Where(c => c.Intent.IsLeaverAction());

    /// <summary>The plan with each leaver's open tasks and successor; those the hand-over rule holds, held.</summary>
    /// <param name="tasks">Each leaver's open tasks (kind, normalized email), or why they could not be read.</param>
    public static SyncPlan HandOverWork(SyncPlan plan, HandOver rule, IReadOnlyDictionary<(PersonKind Kind, string Email), (int? Open, string? Unread)> tasks)
    {
        var guards = plan.Guards.ToList();
        var held = new HashSet<(PersonKind, string)>();
        var changes = plan.Changes.Select(change =>
        {
            if (!change.Intent.IsLeaverAction())
            {
                return change;
            }

            var email = EmailAddress.Normalize(change.Email);
            var (open, unread) = tasks.TryGetValue((change.Kind, email), out var read) ? read : (null, "not read");
            var verdict = rule.Judge(email, open, unread);
            var annotated = change with { OpenTasks = open, Successor = verdict.Successor?.Email, SuccessorId = verdict.Successor?.Id, Detail = $"{change.Detail}; {verdict.Describe()}" };
            if (verdict.Guard is not { } guard || !change.Action.IsLeaverAction())
            {
                return annotated;
            }

            held.Add((change.Kind, change.Email));
            if (!guards.Contains(guard) && guards.Count < 40)
            {
                guards.Add(guard);
            }

            return annotated with { Action = PlanAction.Hold, Intended = change.Intent, Detail = change.Row is null ? $"held: {guard}" : $"held: {guard} ({change.Detail})" };
        }).ToList();

        // A held leaver stays in the groups BulkOnboard put them in.
        return plan with { Changes = changes, Guards = guards, FollowUps = [.. plan.FollowUps.Where(f => !(f.OfLeaver && held.Contains((f.Kind, f.Email))))] };
    }
}
