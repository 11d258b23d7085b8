namespace BulkOnboard.Sandbox;

/// <summary>A template ("checklist") the sandbox serves: configuration section <c>Sandbox:Templates</c>, one entry each.</summary>
public sealed class SandboxTemplateOptions
{
    /// <summary>Its id; empty for a 32-hex id made from the title (the same every start).</summary>
    public string? Id { get; set; }

    public string Title { get; set; } = string.Empty;

    /// <summary>Its kick-off fields (<c>prerun</c>), in order.</summary>
    public List<SandboxFieldOptions> Fields { get; set; } = [];

    /// <summary>Its steps' titles, in order: a launched process gets one task for each.</summary>
    public List<string> Steps { get; set; } = [];
}

/// <summary>A kick-off field of a <see cref="SandboxTemplateOptions"/>.</summary>
public sealed class SandboxFieldOptions
{
    public string Label { get; set; } = string.Empty;

    /// <summary>Its alias; empty for one made from the label (<c>Start date</c> → <c>start_date</c>).</summary>
    public string? Alias { get; set; }

    /// <summary>Tallyfy's <c>field_type</c>: text, textarea, email, date, radio, dropdown, multiselect or table.</summary>
    public string Type { get; set; } = "text";

    /// <summary>A radio's, dropdown's or multiselect's option texts.</summary>
    public List<string> Options { get; set; } = [];

    /// <summary>A table's column labels.</summary>
    public List<string> Columns { get; set; } = [];

    public bool Required { get; set; }
}
