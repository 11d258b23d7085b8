using System.Globalization;
using System.Text;
using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>
/// What an approval task asks (PRODUCT.md, "Approvals inside Tallyfy"): one task per plan, its title with the counts,
/// its summary listing the held items with the plan's and the roster's SHA-256, and a form field for exclusions; and
/// what an approval lets go: exactly the held items, minus the excluded emails.
/// </summary>
internal static class ApprovalRequest
{
    /// <summary>The form field an approver lists the emails to keep held in.</summary>
    public const string ExcludeField = "Exclude (one email per line)";

    private const int MaxTitle = 600;
    private const int MaxListed = 300;

    /// <summary>The held items of a plan (its lines and follow-ups whose action is <c>hold</c>).</summary>
    public static List<PlannedChange> Held(IEnumerable<PlannedChange> changes) => [.. changes.Where(c => c.Action == PlanAction.Hold)];

    public static string Title(IReadOnlyList<PlannedChange> held, string rosterFile)
    {
        var counts = string.Join(", ", held.GroupBy(c => c.Intent.ToWord()).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"));
        var title = $"BulkOnboard: approve {held.Count} held change{(held.Count == 1 ? string.Empty : "s")} ({counts}) from {Path.GetFileName(rosterFile)}";
        return title.Length <= MaxTitle ? title : title[..(MaxTitle - 1)] + "…";
    }

    public static string Summary(IReadOnlyList<PlannedChange> held, string planSha256, string rosterSha256, string planPath, long runId)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Sync run {runId} held these changes. Approve to apply exactly them; list emails in \"{ExcludeField}\" to keep those held; reject to apply nothing.\n\n");
        foreach (var change in held.Take(MaxListed))
        {
            text.Append(CultureInfo.InvariantCulture, $"- {change.Intent.ToWord()} {change.Kind.ToWord()} {change.Email}: {change.Detail}\n");
        }

        if (held.Count > MaxListed)
        {
            text.Append(CultureInfo.InvariantCulture, $"- ... and {held.Count - MaxListed} more (the plan lists them all)\n");
        }

        return text.Append(CultureInfo.InvariantCulture, $"\nPlan: {planPath}\nPlan SHA-256: {planSha256}\nRoster SHA-256: {rosterSha256}\n").ToString();
    }

    /// <summary>What an approver wrote in the exclusions field: one entry a line (commas and semicolons also part them).</summary>
    public static List<string> Entries(string? field) =>
        [.. (field ?? string.Empty).Split(['\n', '\r', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The emails an approver listed to keep held, normalized (an entry that is no email is left to the caller to refuse).</summary>
    public static HashSet<string> Exclusions(string? field) =>
        Entries(field).Where(EmailAddress.IsValid).Select(EmailAddress.Normalize).ToHashSet(StringComparer.Ordinal);

    /// <summary>What an approval lets go: the held items' keys, but those of the excluded emails.</summary>
    public static HashSet<string> Approved(IEnumerable<PlannedChange> held, IReadOnlySet<string> excluded) =>
        held.Where(c => !excluded.Contains(EmailAddress.Normalize(c.Email))).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
}
