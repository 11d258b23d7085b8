using System.Text.Json.Nodes;

namespace BulkOnboard.Plan;

/// <summary>TEMPORARY (replaced by the journey-plan branch): which kick-off fields sent are missing or empty in what Tallyfy stored.</summary>
internal static class LaunchReadBack
{
    public static IReadOnlyList<string> Missing(LaunchRequest sent, JsonObject stored) =>
        [.. sent.Prerun.Keys.Where(id => stored[id] is null || stored[id] is JsonValue v && v.ToString().Length == 0 || stored[id] is JsonArray { Count: 0 })
            .Select(id => sent.Labels.TryGetValue(id, out var label) ? label : id)];
}
