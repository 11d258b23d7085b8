using BulkOnboard.Configuration;

namespace BulkOnboard.Plan;

/// <summary>A journey checked against its template, once per run: what <see cref="LaunchBuilder"/> builds each person's launch from.</summary>
/// <param name="ProcessName">The parsed <c>ProcessName</c>.</param>
/// <param name="Fields">Each <c>Fields</c> entry's kick-off field and the row field or column its value comes from.</param>
/// <param name="Steps">Each step <c>Assign</c> or <c>Deadlines</c> names, with its assignees and deadline.</param>
internal sealed record ResolvedJourney(JourneyOptions Options, Template Template, LaunchTime Launch, IReadOnlyList<NamePart> ProcessName,
    IReadOnlyList<ResolvedField> Fields, IReadOnlyList<ResolvedStep> Steps)
{
    public string Name => Options.Name;
}

/// <summary>A kick-off field and where its value comes from (a row field name or an input column header).</summary>
internal sealed record ResolvedField(KickoffField Field, string Source);

/// <summary>A step, who it is assigned to (empty: the template's own assignees) and its deadline (<c>null</c>: the template's own).</summary>
internal sealed record ResolvedStep(TemplateStep Step, IReadOnlyList<JourneyAssignee> Assignees, LaunchTime? Deadline);
