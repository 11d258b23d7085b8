using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>What a sync says in its log: the plan's counts and guards, and what was applied.</summary>
internal sealed partial class SyncRunner
{
    private void LogApplied(string rosterPath, RunSummary summary) =>
        logger.LogInformation("Sync of {File}: {Created} created, {Invited} invited, {Updated} updated, {Deactivated} deactivated, {Removed} removed, {Held} held, {Failed} failed; exit code {Exit}",
            Path.GetFileName(rosterPath), summary.Created, summary.Invited, summary.Updated, summary.Deactivated, summary.Removed, summary.Held, summary.Failed, summary.ExitCode);

    /// <summary>Two parts of a result's message, the second after the first.</summary>
    internal static string Join(string? first, string second) => string.IsNullOrEmpty(first) ? second : $"{first}; {second}";

    private void LogPlan(SyncPlan plan, string planCsv)
    {
        var counts = string.Join(", ", Enum.GetValues<PlanAction>().Select(a => (a, n: plan.Count(a))).Where(x => x.n > 0).Select(x => $"{x.n} {x.a.ToWord()}"));
        logger.LogInformation("Sync plan ({Path}): {Counts}; {OutOfScope} people in Tallyfy but not in the roster are left alone (not onboarded by BulkOnboard, or deactivated; in the plan as unchanged, with why)",
            planCsv, counts, plan.OutOfScope);
        foreach (var guard in plan.Guards.Take(5))
        {
            logger.LogWarning("Sync guard: {Guard}", guard);
        }

        foreach (var day in plan.Due.OrderBy(d => d.DueAt).GroupBy(d => (d.Action, d.DueLocal)).Take(20))
        {
            logger.LogInformation("Scheduled: {Count} {Action} due {When}", day.Count(), day.Key.Action, day.Key.DueLocal);
        }
    }
}
