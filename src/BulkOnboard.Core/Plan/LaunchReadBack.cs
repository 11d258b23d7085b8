using System.Text.Json;
using System.Text.Json.Nodes;

namespace BulkOnboard.Plan;

/// <summary>
/// Compares what a launch sent with the kick-off values Tallyfy stored: Tallyfy drops a key it does not know
/// without an error (and a multiselect without <c>selected</c> reads back empty), so only a read-back tells.
/// </summary>
internal static class LaunchReadBack
{
    /// <summary>
    /// The labels of the fields <paramref name="sent"/> carried that <paramref name="stored"/> lacks or holds
    /// empty (<c>null</c>, <c>""</c>, <c>[]</c>, <c>{}</c>), in the order they were sent. <paramref name="stored"/> is the
    /// process's <c>prerun</c>: an object keyed by field id, or an array of <c>{id, value}</c>; anything else holds nothing.
    /// </summary>
    public static IReadOnlyList<string> Missing(LaunchRequest sent, JsonNode? stored)
    {
        var values = Stored(stored);
        return [.. sent.Prerun.Keys
            .Where(id => !values.TryGetValue(id, out var value) || IsEmpty(value))
            .Select(id => sent.Labels.TryGetValue(id, out var label) ? label : id)];
    }

    private static Dictionary<string, JsonNode?> Stored(JsonNode? stored)
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        switch (stored)
        {
            case JsonObject byId:
                foreach (var (id, value) in byId)
                {
                    values[id] = value;
                }

                break;
            case JsonArray list:
                foreach (var entry in list.OfType<JsonObject>())
                {
                    if (entry["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String)
                    {
                        values[id.GetValue<string>()] = entry["value"];
                    }
                }

                break;
        }

        return values;
    }

    private static bool IsEmpty(JsonNode? value) => value switch
    {
        null => true,
        JsonArray array => array.Count == 0,
        JsonObject obj => obj.Count == 0,
        JsonValue scalar => scalar.GetValueKind() switch
        {
            JsonValueKind.Null => true,
            JsonValueKind.String => string.IsNullOrWhiteSpace(scalar.GetValue<string>()),
            _ => false,
        },
        _ => false,
    };
}
