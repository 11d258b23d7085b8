using System.Text.Json;
using System.Text.Json.Nodes;

namespace BulkOnboard.Delivery;

/// <summary>
/// An approval task as Tallyfy holds it (TALLYFY-API.md, "Tasks and approvals"): whether it is completed, approved or
/// not, by whom, and the values of its form (the exclusions).
/// </summary>
/// <param name="Status"><c>not-started</c>, <c>in-progress</c>, <c>completed</c>, <c>archived</c>, ...</param>
/// <param name="IsApproved"><c>null</c> until completed.</param>
/// <param name="ActedBy">Whoever the answer names as having made the completion through the API when it is not the completer (an
/// <c>override_user</c> completion), if the answer says.</param>
internal sealed record ApprovalTask(string Id, string Status, bool? IsApproved, string? CompleterId, string? ActedBy, IReadOnlyDictionary<string, string> FormValues)
{
    /// <summary>Whether the answer showed the task's form (its exclusions are known only then).</summary>
    public bool ShowsForm { get; init; }

    public bool IsCompleted => Status.Equals("completed", StringComparison.OrdinalIgnoreCase);

    public bool IsArchived => Status.Equals("archived", StringComparison.OrdinalIgnoreCase) || Status.Equals("deleted", StringComparison.OrdinalIgnoreCase);

    /// <summary>The task's answer, read; <c>null</c> when it is not a task.</summary>
    public static ApprovalTask? Parse(string body)
    {
        JsonNode? data;
        try
        {
            data = (JsonNode.Parse(body) as JsonObject)?["data"];
        }
        catch (JsonException)
        {
            return null;
        }

        if (data is not JsonObject task || Text(task["id"]) is not { } id)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in (task["form_fields"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var value = field["value"] is JsonArray list ? string.Join("\n", list.Select(Text).Where(v => v is not null)) : Text(field["value"]);
            if (value is not null)
            {
                foreach (var key in new[] { Text(field["label"]), Text(field["id"]), Text(field["alias"]) }.OfType<string>())
                {
                    values[key] = value;
                }
            }
        }

        var approved = task["is_approved"] is JsonValue flag && flag.TryGetValue<bool>(out var yes) ? yes : (bool?)null;
        var actedBy = new[] { "completed_by", "completed_by_id", "override_by", "acting_user_id" }.Select(n => Text(task[n])).FirstOrDefault(v => v is not null);
        return new ApprovalTask(id, Text(task["status"]) ?? "unknown", approved, Text(task["completer_id"]) ?? Text(task["completed_by_user_id"]), actedBy, values)
        {
            ShowsForm = task["form_fields"] is JsonArray,
        };
    }

    private static string? Text(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        }
        : null;
}
