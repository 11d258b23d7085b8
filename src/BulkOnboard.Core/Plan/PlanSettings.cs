using System.Globalization;
using BulkOnboard.Configuration;

namespace BulkOnboard.Plan;

/// <summary>
/// The settings that shape a sync's changes, recorded in <c>plan.json</c>: an apply made with other settings
/// would carry out another plan, so it is refused (one line naming the first that differs).
/// </summary>
internal static class PlanSettings
{
    public static SortedDictionary<string, string> Of(ImportOptions import, SyncOptions sync, DatesOptions dates) => new(StringComparer.Ordinal)
    {
        ["Import:DefaultKind"] = import.DefaultKind ?? string.Empty,
        ["Import:DefaultRole"] = import.DefaultRole ?? string.Empty,
        ["Import:Sheet"] = import.Sheet ?? string.Empty,
        ["Import:ColumnAliases"] = string.Join(";", import.ColumnAliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={string.Join(",", a.Value)}")),
        ["Sync:ManageExisting"] = Word(sync.ManageExisting),
        ["Sync:AllowAdminLeavers"] = Word(sync.AllowAdminLeavers),
        ["Sync:Protected"] = string.Join(",", sync.Protected.Select(p => p.Trim().ToLowerInvariant()).Order(StringComparer.Ordinal)),
        ["Sync:MaxLeavers"] = sync.MaxLeavers.ToString(CultureInfo.InvariantCulture),
        ["Sync:MaxLeaversPercent"] = sync.MaxLeaversPercent.ToString(CultureInfo.InvariantCulture),
        ["Sync:MinRosterPercent"] = sync.MinRosterPercent.ToString(CultureInfo.InvariantCulture),
        ["Sync:LeaverGraceRuns"] = sync.LeaverGraceRuns.ToString(CultureInfo.InvariantCulture),
        ["Sync:LeaverGracePeriod"] = sync.LeaverGracePeriod.ToString("c", CultureInfo.InvariantCulture),
        ["Sync:RosterBaselineWindow"] = sync.RosterBaselineWindow.ToString("c", CultureInfo.InvariantCulture),
        ["Sync:ReassignTo"] = sync.ReassignTo?.Trim() ?? string.Empty,
        ["Sync:CreateGroups"] = Word(sync.CreateGroups),
        ["Dates:DefaultTimeZone"] = dates.DefaultTimeZone ?? string.Empty,
        ["Dates:InviteLeadDays"] = dates.InviteLeadDays.ToString(CultureInfo.InvariantCulture),
        ["Dates:GuestLeadDays"] = dates.GuestLeadDays.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The first setting whose value differs, in words, or <c>null</c> when they agree.</summary>
    public static string? FirstDifference(IReadOnlyDictionary<string, string> planned, IReadOnlyDictionary<string, string> now)
    {
        foreach (var (name, value) in now)
        {
            if (!planned.TryGetValue(name, out var was))
            {
                return $"the plan does not record {name}";
            }

            if (was != value)
            {
                return $"{name} was '{was}' when the plan was made and is '{value}' now";
            }
        }

        return null;
    }

    private static string Word(bool value) => value ? "true" : "false";
}
