using System.Text.Json.Nodes;

namespace BulkOnboard.Plan;

/// <summary>
/// A Tallyfy template ("checklist", TALLYFY-API.md "Templates and processes") as a journey needs it: its
/// kick-off fields (<c>prerun</c>) and its steps, read once per run (<c>GET /checklists/{id}?with=steps</c>).
/// </summary>
internal sealed record Template(string Id, string Title, IReadOnlyList<KickoffField> Fields, IReadOnlyList<TemplateStep> Steps);

/// <summary>A kick-off field: its 32-hex <paramref name="Id"/> (the only key a launch's <c>prerun</c> accepts), label, alias and type.</summary>
/// <param name="FieldType">Tallyfy's <c>field_type</c>: text, textarea, date, radio, dropdown, multiselect, table, assignees_form, ...</param>
/// <param name="Options">A radio's, dropdown's or multiselect's options.</param>
/// <param name="Columns">A table's columns (a value has one entry per column).</param>
internal sealed record KickoffField(string Id, string? Alias, string Label, string FieldType, IReadOnlyList<FieldOption> Options, IReadOnlyList<string> Columns, bool Required);

/// <summary>An option of a radio, dropdown or multiselect field, as Tallyfy lists it.</summary>
internal sealed record FieldOption(string Id, string Text, string? Value);

/// <summary>A step of a template: what <c>Assign</c> names by its title.</summary>
internal sealed record TemplateStep(string Id, string? Alias, string Title);

/// <summary>Who a launched step is assigned to (<c>tasks.{stepId}.owners</c>), and its deadline.</summary>
/// <param name="Users">Member ids.</param>
/// <param name="Guests">Guest emails.</param>
/// <param name="Groups">Group ids.</param>
internal sealed record StepOwners(IReadOnlyList<string> Users, IReadOnlyList<string> Guests, IReadOnlyList<string> Groups, DateTimeOffset? Deadline = null);

/// <summary>
/// One launch, as <c>POST /runs</c> takes it: the template, the process's name (it carries the person's key, so
/// a lost answer can be settled by finding the process by name), the kick-off values by field id, already in the
/// shape each field type needs, and the steps' owners by step id.
/// </summary>
/// <param name="Labels">Each sent kick-off field's label, by field id: what read-back names a field that was dropped by.</param>
internal sealed record LaunchRequest(string Journey, string TemplateId, string ProcessName, IReadOnlyDictionary<string, JsonNode> Prerun,
    IReadOnlyDictionary<string, StepOwners> Tasks, IReadOnlyDictionary<string, string> Labels);
