using BulkOnboard.Validation;

namespace BulkOnboard.Reporting;

/// <summary>Running totals per outcome, and per skip reason.</summary>
internal sealed class OutcomeCounts
{
    private readonly int[] _byOutcome = new int[Enum.GetValues<Outcome>().Length];

    public int Total { get; private set; }

    public Dictionary<string, int> SkippedByReason { get; } = new(StringComparer.Ordinal);

    /// <summary>What a preview's valid rows would be: <c>would_create</c>, <c>would_invite</c>.</summary>
    public Dictionary<string, int> ValidByReason { get; } = new(StringComparer.Ordinal);

    public int this[Outcome outcome] => _byOutcome[(int)outcome];

    /// <summary>Onboarding journeys by what became of them (<see cref="RowResult.JourneyOutcome"/>).</summary>
    public Dictionary<string, int> Journeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Journeys launched without some fields, or failed: the run needs attention (exit 2).</summary>
    public int JourneysNeedingAttention { get; private set; }

    /// <summary>How many invalid and failed rows are kept, with why, for the console (all of them are in failed.csv).</summary>
    public const int ProblemsShown = 10;

    /// <summary>The first invalid and failed rows: "row N email: outcome: why".</summary>
    public List<string> FirstProblems { get; } = [];

    /// <summary>Counts a line's journey (a launched line written again counts its journey then).</summary>
    public void AddJourney(RowResult result)
    {
        if (result.JourneyOutcome is not { } journey)
        {
            return;
        }

        Journeys[journey] = Journeys.GetValueOrDefault(journey) + 1;
        if (result.JourneyNeedsAttention)
        {
            JourneysNeedingAttention++;
            if (FirstProblems.Count < ProblemsShown && result.Outcome is not (Outcome.Invalid or Outcome.Failed))
            {
                var at = result.Record.RowNumber > 0 ? $"row {result.Record.RowNumber} " : string.Empty;
                FirstProblems.Add($"{at}{result.Email}: journey {result.Journey} {journey}: {result.JourneyMessage}");
            }
        }
    }

    public void Add(RowResult result)
    {
        Total++;
        _byOutcome[(int)result.Outcome]++;
        if (result.Outcome == Outcome.Skipped && result.Reason is { } reason)
        {
            SkippedByReason[reason] = SkippedByReason.GetValueOrDefault(reason) + 1;
        }

        AddJourney(result);

        if (result.Outcome == Outcome.Valid && result.Reason is { } would)
        {
            ValidByReason[would] = ValidByReason.GetValueOrDefault(would) + 1;
        }

        if (result.Outcome is Outcome.Invalid or Outcome.Failed && FirstProblems.Count < ProblemsShown)
        {
            var row = result.Record.RowNumber > 0 ? $"row {result.Record.RowNumber} " : string.Empty;
            FirstProblems.Add($"{row}{result.Email}: {result.Outcome.ToReportWord()}: {result.Message}");
        }
    }
}
