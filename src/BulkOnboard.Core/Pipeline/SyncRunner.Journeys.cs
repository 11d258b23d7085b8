using BulkOnboard.Plan;
using BulkOnboard.Reporting;

namespace BulkOnboard.Pipeline;

/// <summary>A sync's joiners get their onboarding journeys as an import's do (<see cref="JourneyLane"/>).</summary>
internal sealed partial class SyncRunner
{
    /// <summary>Waits for the launches queued, writes each launched line again, and returns the dated launches to schedule (none before its person's own create or invite in <paramref name="scheduled"/>).</summary>
    private static async Task<List<DueAction>> FinishJourneysAsync(JourneyLane? lane, IEnumerable<DueAction> scheduled, OutcomeCounts counts, GuardedReport report)
    {
        if (lane is null)
        {
            return [];
        }

        await lane.CompleteAsync();
        foreach (var (sequence, line) in lane.Finished())
        {
            counts.AddJourney(line);
            report.Rewrite(line, sequence);
        }

        report.Flush();
        return lane.ScheduledAfter(scheduled);
    }
}
