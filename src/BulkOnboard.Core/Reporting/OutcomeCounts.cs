using BulkOnboard.Validation;

namespace BulkOnboard.Reporting;

/// <summary>Running totals per outcome, and per skip reason.</summary>
internal sealed class OutcomeCounts
{
    private readonly int[] _byOutcome = new int[Enum.GetValues<Outcome>().Length];

    public int Total { get; private set; }

    public Dictionary<string, int> SkippedByReason { get; } = new(StringComparer.Ordinal);

    public int this[Outcome outcome] => _byOutcome[(int)outcome];

    public void Add(RowResult result)
    {
        Total++;
        _byOutcome[(int)result.Outcome]++;
        if (result.Outcome == Outcome.Skipped && result.Reason is { } reason)
        {
            SkippedByReason[reason] = SkippedByReason.GetValueOrDefault(reason) + 1;
        }
    }
}
