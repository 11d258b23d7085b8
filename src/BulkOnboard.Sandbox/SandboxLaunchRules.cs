using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BulkOnboard.Sandbox;

/// <summary>A launch as <c>POST /runs</c> keeps it: the template, the name, the kick-off values as stored and one task per step.</summary>
internal sealed record SandboxLaunch(SandboxTemplate Template, string Name, string? Summary, Dictionary<string, JsonNode?> Prerun, List<SandboxTask> Steps);

/// <summary>
/// How Tallyfy takes a launch (TALLYFY-API.md, "Templates and processes"), its silent traps included: a
/// <c>prerun</c> key that is not a field id is dropped without an error, a multiselect entry without
/// <c>selected: true</c> is stored as nothing, a table value with the wrong number of columns fails the whole
/// request, and a step given to guests alone is refused.
/// </summary>
internal static class SandboxLaunchRules
{
    /// <summary>The longest process name Tallyfy takes.</summary>
    public const int NameMax = 550;

    /// <summary>The launch to store, or the Laravel-style 422 body refusing it (nothing is created then).</summary>
    public static (SandboxLaunch? Launch, object? Refusal) Read(JsonElement body, SandboxState state, string? droppedLabel, DateTimeOffset now)
    {
        var checklistId = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("checklist_id", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        if (string.IsNullOrWhiteSpace(checklistId))
        {
            return (null, Invalid("checklist_id", "The checklist id field is required."));
        }

        if (!state.Templates.TryGetValue(checklistId, out var template))
        {
            return (null, Invalid("checklist_id", "The selected checklist id is invalid."));
        }

        var name = Text(body, "name");
        if (name is { Length: > NameMax })
        {
            return (null, Invalid("name", $"The name must not be greater than {NameMax} characters."));
        }

        var prerun = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (body.TryGetProperty("prerun", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var value in values.EnumerateObject())
            {
                // Only a field id is a key; a label or alias is dropped like any unknown key, and so is the field Tallyfy does not take.
                var field = template.Fields.FirstOrDefault(f => f.Id == value.Name);
                if (field is null || string.Equals(field.Label, droppedLabel, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (field.FieldType == "table" && (value.Value.ValueKind != JsonValueKind.Array || value.Value.GetArrayLength() != field.Columns.Count))
                {
                    return (null, Invalid($"prerun.{field.Id}", "Number of columns does not match required columns"));
                }

                prerun[field.Id] = field.FieldType == "multiselect" && value.Value.ValueKind == JsonValueKind.Array
                    ? new JsonArray([.. value.Value.EnumerateArray().Where(IsSelected).Select(e => JsonNode.Parse(e.GetRawText()))])
                    : JsonNode.Parse(value.Value.GetRawText());
            }
        }

        var steps = new List<SandboxTask>();
        body.TryGetProperty("tasks", out var tasks);
        foreach (var step in template.Steps)
        {
            var given = tasks.ValueKind == JsonValueKind.Object && tasks.TryGetProperty(step.Id, out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
            var owners = given.ValueKind == JsonValueKind.Object && given.TryGetProperty("owners", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
            if (!TryMemberIds(owners, out var users))
            {
                return (null, Invalid($"tasks.{step.Id}.owners.users", "The owners.users must be member ids."));
            }

            var guests = Strings(owners, "guests");
            var groups = Strings(owners, "groups");
            if (guests.Count > 0 && users.Count == 0 && groups.Count == 0)
            {
                return (null, Invalid($"tasks.{step.Id}.owners", "A task assigned to a guest needs at least one member assigned too."));
            }

            steps.Add(new SandboxTask(string.Empty, step.Title, "not-started", users, guests) { StepId = step.Id, Groups = groups, Deadline = Text(given, "deadline") });
        }

        var processName = string.IsNullOrWhiteSpace(name) ? $"{template.Title} - {now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" : name;
        return (new SandboxLaunch(template, processName, Text(body, "summary"), prerun, steps), null);
    }

    internal static object Invalid(string key, string message) => new { message, errors = new Dictionary<string, string[]> { [key] = [message] } };

    private static bool IsSelected(JsonElement entry) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("selected", out var selected) && selected.ValueKind == JsonValueKind.True;

    internal static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static List<string> Strings(JsonElement owners, string list) =>
        owners.ValueKind == JsonValueKind.Object && owners.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array
            ? [.. items.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : i.GetRawText()).Where(i => i.Length > 0)]
            : [];

    internal static bool TryMemberIds(JsonElement owners, out List<long> ids)
    {
        ids = [];
        foreach (var text in Strings(owners, "users"))
        {
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                return false;
            }

            ids.Add(id);
        }

        return true;
    }
}
