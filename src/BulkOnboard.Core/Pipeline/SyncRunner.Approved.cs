using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>
/// <c>sync --apply</c>: the roster read as the plan was made (its mapping, its settings), and exactly the
/// approved plan carried out (<see cref="PlanApproval"/>).
/// </summary>
internal sealed partial class SyncRunner
{
    /// <summary>The mapping file this run's settings name, as a full path, or <c>null</c>.</summary>
    private string? MappingNow() =>
        string.IsNullOrWhiteSpace(importOptions.Value.Mapping) ? null : Path.GetFullPath(importOptions.Value.Mapping.Trim());

    /// <summary>
    /// The mapping an approved plan was made with: the apply uses it when it names none, and refuses (one
    /// line, nothing sent) another mapping, a mapping changed since, or settings that differ.
    /// </summary>
    private string? ApprovedMapping(PlanFile approved, string planPath, SortedDictionary<string, string> settings)
    {
        if (approved.Settings is null)
        {
            throw new InputException($"the plan {planPath} does not record the settings it was made with (an older BulkOnboard wrote it); nothing was sent; plan again");
        }

        if (PlanSettings.FirstDifference(approved.Settings, settings) is { } difference)
        {
            throw new StalePlanException($"the plan {planPath} was made with other settings ({difference}); nothing was sent; apply with the settings it was made with, or plan again");
        }

        var given = MappingNow();
        if (approved.Mapping is null)
        {
            return given is null ? null
                : throw new StalePlanException($"the plan {planPath} was made without a mapping file, and this apply names {given}; nothing was sent; apply without --mapping, or plan again with it");
        }

        if (given is not null && Sha256OrNull(given) != approved.MappingSha256)
        {
            throw new StalePlanException($"the plan {planPath} was made with the mapping {approved.Mapping}; this apply names {given}, which differs; nothing was sent; apply with the plan's mapping, or plan again");
        }

        if (Sha256OrNull(approved.Mapping) != approved.MappingSha256)
        {
            throw new StalePlanException($"the mapping {approved.Mapping} the plan {planPath} was made with is gone or changed since (its SHA-256 differs); nothing was sent; plan again");
        }

        return approved.Mapping;
    }

    /// <summary>A file's SHA-256, or <c>null</c> when it cannot be read (then it is not the plan's mapping).</summary>
    private static string? Sha256OrNull(string path)
    {
        try
        {
            return PlanFile.Sha256Of(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Today's plan restricted to the approved one; refuses (one line, nothing sent) when today calls for a change it lacks.</summary>
    private static (SyncPlan Plan, IReadOnlyList<PlannedChange> NoLongerNeeded) Exactly(SyncPlan now, PlanFile approved, string planPath)
    {
        var approval = PlanApproval.Restrict(now, [.. approved.ToChanges()]);
        if (approval.Beyond.Count > 0)
        {
            var first = approval.Beyond[0];
            throw new StalePlanException(
                $"Tallyfy changed since the plan {planPath} was made: it does not cover {approval.Beyond.Count} change(s) now needed (first: {first.Intent.ToWord()} {first.Email}: {first.Detail}); nothing was sent; plan again");
        }

        return (approval.Exact, approval.NoLongerNeeded);
    }

    /// <summary>
    /// A line for each approved leaver action today's plan no longer calls for (the person was deactivated or
    /// removed by hand since, or is back in Tallyfy's good books): reported, never dropped. A roster row's
    /// approved change is reported on its row.
    /// </summary>
    private static IEnumerable<RowResult> NoLongerNeeded(IReadOnlyList<PlannedChange> changes, List<ListedPerson> members, List<ListedPerson> guests)
    {
        foreach (var change in changes.Where(c => c.Row is null))
        {
            var listed = (change.Kind == PersonKind.Member ? members : guests).FirstOrDefault(p => EmailAddress.Normalize(p.Email) == EmailAddress.Normalize(change.Email));
            var why = listed is null ? "Tallyfy no longer lists this person"
                : string.Equals(listed.Status, "disabled", StringComparison.OrdinalIgnoreCase) ? "already deactivated in Tallyfy"
                : "today's roster and Tallyfy no longer call for it";
            yield return new RowResult(new RawRecord(0, []), change.Kind, change.Email, Outcome.Skipped, Outcomes.Unchanged, TallyfyId: change.TallyfyId ?? listed?.Id,
                Message: $"approved {change.Intent.ToWord()} not carried out: {why}");
        }
    }
}
