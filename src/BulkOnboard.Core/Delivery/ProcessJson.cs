using System.Text.Json;
using System.Text.Json.Nodes;
using BulkOnboard.Plan;

namespace BulkOnboard.Delivery;

/// <summary>Reads Tallyfy's answers about templates and processes (TALLYFY-API.md, "Templates and processes"); ids may come as numbers or strings.</summary>
internal static class ProcessJson
{
    /// <summary>A page of <c>GET /checklists</c>: each template's id and title, and the page's count and the listing's total when told.</summary>
    public static (List<(string Id, string Title)> Templates, int Count, int? Total) ParseTemplatePage(string body)
    {
        var (items, total) = Page(body);
        return ([.. items.Select(t => (Text(t, "id") ?? string.Empty, Text(t, "title") ?? string.Empty)).Where(t => t.Item1.Length > 0)], items.Count, total);
    }

    /// <summary><c>GET /checklists/{id}?with=steps</c>: the template with its kick-off fields and steps.</summary>
    public static Template? ParseTemplate(string body)
    {
        if (Data(body) is not JsonObject data || Text(data, "id") is not { } id)
        {
            return null;
        }

        var fields = (data["prerun"] as JsonArray ?? []).OfType<JsonObject>().Select(f => new KickoffField(
            Text(f, "id") ?? string.Empty, Text(f, "alias"), Text(f, "label") ?? string.Empty, Text(f, "field_type") ?? "text",
            [.. (f["options"] as JsonArray ?? []).OfType<JsonObject>().Select(o => new FieldOption(Text(o, "id") ?? string.Empty, Text(o, "text") ?? string.Empty, Text(o, "value")))],
            [.. (f["columns"] as JsonArray ?? []).Select(c => c is JsonObject column ? Text(column, "label") ?? Text(column, "name") ?? string.Empty : Scalar(c) ?? string.Empty)],
            f["required"] is JsonValue required && required.TryGetValue<bool>(out var yes) && yes)).Where(f => f.Id.Length > 0).ToList();
        var steps = (data["steps"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => new TemplateStep(Text(s, "id") ?? string.Empty, Text(s, "alias"), Text(s, "title") ?? string.Empty)).Where(s => s.Id.Length > 0).ToList();
        return new Template(id, Text(data, "title") ?? string.Empty, fields, steps);
    }

    /// <summary>Whether the template answer listed its steps at all (Tallyfy sends them only with <c>with=steps</c>).</summary>
    public static bool ShowsSteps(string body) => Data(body) is JsonObject data && data["steps"] is JsonArray;

    /// <summary>A page of <c>GET /runs</c>: each process's id and name.</summary>
    public static (List<(string Id, string Name)> Processes, int Count, int? Total) ParseProcessPage(string body)
    {
        var (items, total) = Page(body);
        return ([.. items.Select(p => (Text(p, "id") ?? string.Empty, Text(p, "name") ?? string.Empty)).Where(p => p.Item1.Length > 0)], items.Count, total);
    }

    /// <summary>A launched or read process: its id and its kick-off values as stored (by field id).</summary>
    public static (string? Id, JsonObject Prerun) ParseProcess(string body)
    {
        if (Data(body) is not JsonObject data)
        {
            return (null, []);
        }

        var prerun = new JsonObject();
        switch (data["prerun"])
        {
            case JsonObject byId:
                foreach (var (key, value) in byId)
                {
                    prerun[key] = value?.DeepClone();
                }

                break;
            case JsonArray fields:
                // Also read the shape of a list of fields, each with its id and value.
                foreach (var field in fields.OfType<JsonObject>())
                {
                    if (Text(field, "id") is { } key)
                    {
                        prerun[key] = field["value"]?.DeepClone();
                    }
                }

                break;
        }

        return (Text(data, "id"), prerun);
    }

    private static JsonNode? Data(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject root ? root["data"] : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (List<JsonObject> Items, int? Total) Page(string body)
    {
        var root = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("the answer is not a JSON object");
        var items = (root["data"] as JsonArray ?? throw new JsonException("the answer has no data list")).OfType<JsonObject>().ToList();
        var total = root["meta"]?["pagination"]?["total"] is JsonValue t && t.TryGetValue<int>(out var n) ? n : (int?)null;
        return (items, total);
    }

    private static string? Text(JsonObject node, string name) => Scalar(node[name]);

    private static string? Scalar(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        }
        : null;
}
