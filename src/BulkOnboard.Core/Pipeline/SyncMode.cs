using BulkOnboard.Reporting;

namespace BulkOnboard.Pipeline;

/// <summary>What <c>bulkonboard sync</c> was asked to do.</summary>
internal enum SyncMode
{
    /// <summary><c>sync FILE</c> / <c>--plan</c>: write the plan, send nothing.</summary>
    Plan,

    /// <summary><c>sync FILE --yes</c>: plan and apply within the guards.</summary>
    PlanAndApply,

    /// <summary><c>sync --apply PLAN.json</c>: apply an approved plan, if it still holds.</summary>
    Apply,
}

/// <summary>The files and totals of a sync run.</summary>
internal sealed record SyncOutcome(RunSummary Summary, string PlanCsv, string PlanJson);
