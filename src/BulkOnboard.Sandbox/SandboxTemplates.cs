using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BulkOnboard.Sandbox;

/// <summary>A template as Tallyfy serves it: its kick-off fields (<c>prerun</c>) and steps, every id fixed.</summary>
public sealed record SandboxTemplate(string Id, string Title, IReadOnlyList<SandboxField> Fields, IReadOnlyList<SandboxStep> Steps);

/// <summary>A kick-off field: a 32-hex id (the only key a launch's <c>prerun</c> takes), alias, label, type.</summary>
public sealed record SandboxField(string Id, string Alias, string Label, string FieldType, IReadOnlyList<SandboxFieldOption> Options, IReadOnlyList<string> Columns, bool Required);

/// <summary>An option of a radio, dropdown or multiselect field.</summary>
public sealed record SandboxFieldOption(string Id, string Text, string Value);

/// <summary>A step of a template: a 32-hex id, an alias, a title.</summary>
public sealed record SandboxStep(string Id, string Alias, string Title);

/// <summary>Builds the templates the sandbox serves from <see cref="SandboxOptions.Templates"/>, with ids that are the same every start.</summary>
public static class SandboxTemplates
{
    /// <summary>The template served when none is configured, so a demo works.</summary>
    public static SandboxTemplateOptions Default => new()
    {
        Title = "Employee Onboarding",
        Fields =
        [
            new() { Label = "Start date", Type = "date", Required = true },
            new() { Label = "Department", Type = "text" },
            new() { Label = "Manager", Type = "email" },
            new() { Label = "Laptop", Type = "dropdown", Options = ["Mac", "Windows", "Linux"] },
            new() { Label = "Equipment", Type = "multiselect", Options = ["Monitor", "Headset", "Keyboard"] },
        ],
        Steps = ["Set up laptop", "Welcome call", "Read the handbook"],
    };

    /// <summary>The configured templates, or <see cref="Default"/> when there are none.</summary>
    public static List<SandboxTemplate> Build(IReadOnlyList<SandboxTemplateOptions> configured) =>
        [.. (configured.Count > 0 ? configured : [Default]).Select(Build)];

    private static SandboxTemplate Build(SandboxTemplateOptions template)
    {
        var id = string.IsNullOrWhiteSpace(template.Id) ? Hex32("checklist/" + template.Title) : template.Id.Trim();
        var fields = template.Fields.Select((f, i) => new SandboxField(
            Hex32($"{id}/field/{i}/{f.Label}"),
            string.IsNullOrWhiteSpace(f.Alias) ? Slug(f.Label) : f.Alias.Trim(),
            f.Label,
            f.Type.Trim().ToLowerInvariant(),
            [.. f.Options.Select((o, n) => new SandboxFieldOption((n + 1).ToString(CultureInfo.InvariantCulture), o, o))],
            [.. f.Columns],
            f.Required)).ToList();
        var steps = template.Steps.Select((s, i) => new SandboxStep(Hex32($"{id}/step/{i}/{s}"), Slug(s), s)).ToList();
        return new SandboxTemplate(id, template.Title, fields, steps);
    }

    private static string Hex32(string seed) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(seed)), 0, 16).ToLowerInvariant();

    private static string Slug(string text) =>
        string.Join('_', text.ToLowerInvariant().Split([.. text.Where(c => !char.IsLetterOrDigit(c)).Distinct()], StringSplitOptions.RemoveEmptyEntries));
}
