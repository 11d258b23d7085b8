using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>The import's onboarding journeys (PRODUCT.md, "Onboarding journeys"): resolved before anything is written; a preview names each row's.</summary>
internal sealed partial class ImportRunner
{
    private IReadOnlyList<JourneyOptions> JourneySettings => journeyOptions?.Value.Journeys ?? [];

    /// <summary>An import's journeys, resolved against Tallyfy (<c>null</c> without any, or for a preview, which reads nothing from Tallyfy).</summary>
    private async Task<JourneyLaunches?> PrepareJourneysAsync(RunRequest request, RowSender? sender, JourneyValues values, CancellationToken cancellationToken)
    {
        if (request.Mode != RunMode.Import || sender is null || JourneySettings.Count == 0)
        {
            return null;
        }

        return await JourneyLaunches.PrepareAsync(JourneySettings, sender, journal: null, values.Knows, logger, cancellationToken);
    }

    /// <summary>The columns the journeys read (a When rule's, a kick-off field's source, a process name's placeholder).</summary>
    private HashSet<string> JourneyColumns() => JourneySettings.SelectMany(j => j.Fields.Values.Concat(j.When.Select(w => w.Column))
        .Concat(JourneySyntax.ParseName(j.ProcessName)?.Where(p => p.IsPlaceholder).Select(p => p.Text) ?? [])).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private async Task<RunJourneys> StartJourneysAsync(RunRequest request, JourneyLaunches? journeys, JourneyValues values, RunJournal? journal, RunControl control, OutcomeCounts counts,
        GuardedReport report)
    {
        var lane = journeys is null ? null
            : new JourneyLane(journeys, values, await JourneyHistory.ReadAsync(journal, journeys.Names), control, deliveryOptions.Value.MaxConcurrency, timeProvider.GetUtcNow(), request.Named);
        lane?.Start();
        return new RunJourneys(lane, request.Mode == RunMode.Validate ? PreviewJourneys(values) : null, counts, report);
    }

    /// <summary>For <c>validate</c>: each valid row's line names the journey it would get (nothing is read from Tallyfy).</summary>
    private Func<RowResult, RowResult>? PreviewJourneys(JourneyValues values)
    {
        if (JourneySettings.Count == 0)
        {
            return null;
        }

        var choice = new JourneyChoice(JourneySettings);
        return line => line.Outcome is Outcome.Valid or Outcome.Scheduled && line.Kind is { } kind && choice.For(kind, values.Of(line.Record.Cells)) is { } journey
            ? line with { Journey = journey.Name }
            : line;
    }

    /// <summary>A run's journeys beside its rows: each settled line's journey, the launched lines written again as they finish.</summary>
    private sealed class RunJourneys(JourneyLane? lane, Func<RowResult, RowResult>? preview, OutcomeCounts counts, GuardedReport report)
    {
        public RowResult Settle(long sequence, RowResult line) => lane?.Settle(sequence, line) ?? preview?.Invoke(line) ?? line;

        /// <summary>Every result settled so far is handed over: the launched lines are written again in place of their first line, then all flushed.</summary>
        public void Drained()
        {
            foreach (var (sequence, line) in lane?.Finished() ?? [])
            {
                counts.AddJourney(line);
                report.Rewrite(line, sequence);
            }

            report.Flush();
        }

        /// <summary>Waits for the launches queued, writes their lines, and adds the dated launches to <paramref name="scheduled"/> (none before its person's own invite).</summary>
        public async Task FinishAsync(List<DueAction> scheduled)
        {
            if (lane is null)
            {
                return;
            }

            await lane.CompleteAsync();
            Drained();
            scheduled.AddRange(lane.ScheduledAfter(scheduled));
        }
    }
}
