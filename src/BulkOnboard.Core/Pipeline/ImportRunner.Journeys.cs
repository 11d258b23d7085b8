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
    private async Task<JourneyLaunches?> PrepareJourneysAsync(RunRequest request, RowSender? sender, RunJournal? journal, JourneyValues values, CancellationToken cancellationToken)
    {
        if (request.Mode != RunMode.Import || sender is null || JourneySettings.Count == 0)
        {
            return null;
        }

        return await JourneyLaunches.PrepareAsync(JourneySettings, sender, journal, values.Knows, logger, cancellationToken);
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
}
