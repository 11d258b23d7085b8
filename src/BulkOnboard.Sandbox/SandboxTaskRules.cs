using System.Globalization;
using System.Text.Json;

namespace BulkOnboard.Sandbox;

/// <summary>
/// What <c>POST /tasks</c> (a one-off task) takes, as TALLYFY-API.md "Tasks and approvals" describes it: title (at most
/// 600), task_type, owners and an ISO 8601 deadline required; summary, form fields, who may complete it, a webhook
/// optional. A Laravel-style 422 body for the first thing refused.
/// </summary>
internal static class SandboxTaskRules
{
    public static readonly string[] TaskTypes = ["task", "approval", "expiring", "email", "expiring_email"];

    /// <summary>The task to store (its id not yet given), or the 422 body.</summary>
    public static (SandboxTask? Task, object? Refusal) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, Invalid("title", "The title field is required."));
        }

        var title = Text(body, "title")?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 600)
        {
            return (null, Invalid("title", string.IsNullOrEmpty(title) ? "The title field is required." : "The title may not be greater than 600 characters."));
        }

        var taskType = Text(body, "task_type");
        if (taskType is null || !TaskTypes.Contains(taskType))
        {
            return (null, Invalid("task_type", taskType is null ? "The task type field is required." : "The selected task type is invalid."));
        }

        if (!body.TryGetProperty("owners", out var owners) || owners.ValueKind != JsonValueKind.Object)
        {
            return (null, Invalid("owners", "The owners field is required."));
        }

        if (!SandboxLaunchRules.TryMemberIds(owners, out var users))
        {
            return (null, Invalid("owners.users", "The owners.users must be member ids."));
        }

        var deadline = Text(body, "deadline");
        if (deadline is null || !DateTimeOffset.TryParse(deadline, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            return (null, Invalid("deadline", deadline is null ? "The deadline field is required." : "The deadline is not a valid date."));
        }

        var webhook = Text(body, "webhook");
        if (webhook is not null && !(Uri.TryCreate(webhook, UriKind.Absolute, out var hook) && hook.Scheme is "http" or "https"))
        {
            return (null, Invalid("webhook", "The webhook must be a valid URL."));
        }

        if (!TryFormFields(body, out var fields))
        {
            return (null, Invalid("form_fields", "Each form field needs a label and a field_type."));
        }

        return (new SandboxTask(string.Empty, title, "not-started", users, Strings(owners, "guests"))
        {
            Groups = Strings(owners, "groups"),
            Deadline = deadline,
            TaskType = taskType,
            Summary = Text(body, "summary"),
            FormFields = fields,
            CanCompleteOnlyAssignees = Flag(body, "can_complete_only_assignees"),
            EveryoneMustComplete = Flag(body, "everyone_must_complete"),
            Webhook = webhook,
            RunId = Text(body, "run_id") is { Length: > 0 } run ? run : null,
        }, null);
    }

    /// <summary>The form values of a completion (<c>{"fieldId": value}</c>): strings as they are, anything else as its JSON.</summary>
    public static Dictionary<string, string?> Values(JsonElement body) =>
        body.TryGetProperty("form_fields", out var given) && given.ValueKind == JsonValueKind.Object
            ? given.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Null => null,
                _ => p.Value.GetRawText(),
            }, StringComparer.Ordinal)
            : [];

    public static object Invalid(string key, string message) => SandboxLaunchRules.Invalid(key, message);

    private static bool TryFormFields(JsonElement body, out List<SandboxFormField> fields)
    {
        fields = [];
        if (!body.TryGetProperty("form_fields", out var given) || given.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (given.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var field in given.EnumerateArray())
        {
            if (field.ValueKind != JsonValueKind.Object || Text(field, "label") is not { Length: > 0 } label || Text(field, "field_type") is not { Length: > 0 } type)
            {
                return false;
            }

            fields.Add(new SandboxFormField(Guid.NewGuid().ToString("N"), label, type, Flag(field, "required"), Strings(field, "options")));
        }

        return true;
    }

    private static string? Text(JsonElement element, string name) => SandboxLaunchRules.Text(element, name);

    private static List<string> Strings(JsonElement element, string list) => SandboxLaunchRules.Strings(element, list);

    private static bool Flag(JsonElement element, string name) => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
