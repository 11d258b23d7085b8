namespace BulkOnboard.Configuration;

/// <summary>
/// The onboarding journeys (PRODUCT.md, "Onboarding journeys"): bound from the configuration's root, whose
/// <c>"Journeys": [...]</c> array is <see cref="Journeys"/>. Default: none (no process is launched).
/// </summary>
internal sealed class JourneysOptions
{
    /// <summary>The journeys in configuration order: a person gets the first whose <see cref="JourneyOptions.Kinds"/> and <see cref="JourneyOptions.When"/> fit.</summary>
    public List<JourneyOptions> Journeys { get; set; } = [];
}

/// <summary>One journey: which template is launched for whom, when, and with what kick-off values and assignees.</summary>
internal sealed class JourneyOptions
{
    /// <summary>The name every journey's process name falls back on, and the default of <see cref="ProcessName"/>.</summary>
    public const string DefaultProcessName = "Onboarding: {first_name} {last_name} ({email})";

    /// <summary>The journey's name: unique, what the journal and the reports know it by. Required.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The template (checklist): its id or its exact title. Required.</summary>
    public string Template { get; set; } = string.Empty;

    /// <summary>Rules a row must all meet (the mapping file's <c>include</c> syntax). Default: none (every row).</summary>
    public List<JourneyRule> When { get; set; } = [];

    /// <summary><c>member</c> and/or <c>guest</c>. Default: empty, both.</summary>
    public List<string> Kinds { get; set; } = [];

    /// <summary><c>now</c> (the default: right after the person is created or invited), or <c>start_date</c>, <c>start_date+Nd</c>, <c>start_date-Nd</c> (09:00, their time).</summary>
    public string Launch { get; set; } = JourneySyntax.Now;

    /// <summary>
    /// The process's name, with <c>{name}</c> placeholders (a field or a column of the row). It must hold
    /// <c>{email}</c>: a launch whose answer was lost is settled by finding the process by name. Default <see cref="DefaultProcessName"/>.
    /// </summary>
    public string ProcessName { get; set; } = DefaultProcessName;

    /// <summary>Kick-off field (label, alias or id) → the row's field or column whose value it gets. Default: none.</summary>
    public Dictionary<string, string> Fields { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Step title → comma-separated assignees: <c>person</c>, <c>manager</c>, <c>group:NAME</c>, or an email. Default: none (the template's own).</summary>
    public Dictionary<string, string> Assign { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Step title → <c>start_date±Nd</c> (09:00, the person's time). Default: none (the template's own).</summary>
    public Dictionary<string, string> Deadlines { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One <see cref="JourneyOptions.When"/> rule: a row's column (or field) equals one of the values, or matches a pattern.</summary>
internal sealed class JourneyRule
{
    /// <summary>The input column's header, or a field name (<c>start_date</c>, <c>manager</c>, ...).</summary>
    public string Column { get; set; } = string.Empty;

    /// <summary>Values the cell may hold (without case and surrounding spaces). Named as a mapping file's <c>include</c> names it; nothing compares rules.</summary>
    public new List<string>? Equals { get; set; }

    /// <summary>A regular expression the cell matches (case-insensitive).</summary>
    public string? Matches { get; set; }
}
