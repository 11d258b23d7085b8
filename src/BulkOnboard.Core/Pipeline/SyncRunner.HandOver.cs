using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>A sync's hand-over: every leaver's open tasks read (side by side in the lane of reads), then the plan's one rule (<see cref="HandOver"/>).</summary>
internal sealed partial class SyncRunner
{
    private async Task<SyncPlan> HandOverWorkAsync(SyncPlan plan, List<ValidatedRow> roster, List<ListedPerson> members, List<ListedPerson> guests, RunJournal journal,
        RowSender sender, CancellationToken cancellationToken)
    {
        var leaving = RosterPlanner.Leaving(plan).ToList();
        var rule = new HandOver(HandOver.Managers(roster, journal.Managers()), members, leaving.Select(l => l.Email), syncOptions.Value.ReassignTo);
        var tasks = await OpenTasksAsync(leaving, guests, sender, cancellationToken);
        if (leaving.Count > 0)
        {
            logger.LogInformation("Hand-over: {Leavers} leavers hold {Tasks} open tasks", leaving.Count, tasks.Values.Sum(t => t.Open ?? 0));
        }

        return RosterPlanner.HandOverWork(plan, rule, tasks);
    }

    /// <summary>Each leaver's open tasks (members: the org-wide listing by owner; guests: their own list), or why they could not be read.</summary>
    internal static async Task<Dictionary<(PersonKind Kind, string Email), (int? Open, string? Unread)>> OpenTasksAsync(IReadOnlyList<PlannedChange> leaving, IReadOnlyList<ListedPerson> guests,
        RowSender sender, CancellationToken cancellationToken)
    {
        var guestIds = guests.GroupBy(g => EmailAddress.Normalize(g.Email)).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        var read = new (int? Open, string? Unread)[leaving.Count];
        await ChangeLanes.RunAsync(Enumerable.Range(0, leaving.Count).ToList(), _ => RequestScope.Read, sender.Gate.MaxConcurrency, async i =>
        {
            var leaver = leaving[i];
            var email = EmailAddress.Normalize(leaver.Email);
            if (leaver.Kind == PersonKind.Member && leaver.TallyfyId is null)
            {
                read[i] = (null, "Tallyfy lists no id for this member");
                return;
            }

            var (tasks, failure) = leaver.Kind == PersonKind.Member
                ? await sender.ListOpenTasksAsync(leaver.TallyfyId, null, null, cancellationToken, cancellationToken)
                : await sender.ListOpenTasksAsync(null, email, guestIds.GetValueOrDefault(email), cancellationToken, cancellationToken);
            read[i] = (tasks?.Count, failure);
        });
        var byPerson = new Dictionary<(PersonKind, string), (int?, string?)>();
        for (var i = 0; i < leaving.Count; i++)
        {
            byPerson[(leaving[i].Kind, EmailAddress.Normalize(leaving[i].Email))] = read[i];
        }

        return byPerson;
    }
}
