using BulkOnboard.Configuration;
using BulkOnboard.Plan;

namespace BulkOnboard.Tests.Support;

/// <summary>A template like the docs' "Employee Onboarding", and journeys over it, for the journey tests.</summary>
internal static class JourneyFixtures
{
    public const string StartId = "a0000000000000000000000000000001";
    public const string DepartmentId = "a0000000000000000000000000000002";
    public const string ToolsId = "a0000000000000000000000000000003";
    public const string DeskId = "a0000000000000000000000000000004";
    public const string NotesId = "a0000000000000000000000000000005";
    public const string ManagerId = "a0000000000000000000000000000006";
    public const string LevelId = "a0000000000000000000000000000007";

    public static readonly KickoffField Start = new(StartId, "start", "Start date", "date", [], [], true);

    public static readonly KickoffField Department = new(DepartmentId, null, "Department", "radio",
        [new("o1", "Sales", "sales"), new("o2", "Support", "support")], [], false);

    public static readonly KickoffField Tools = new(ToolsId, "tools", "Tools", "multiselect",
        [new("t1", "Laptop", "laptop"), new("t2", "Phone", "phone"), new("t3", "Badge", null)], [], false);

    public static readonly KickoffField Desk = new(DeskId, null, "Desk", "table", [], ["Building", "Floor", "Desk"], false);

    public static readonly KickoffField Notes = new(NotesId, null, "Notes", "textarea", [], [], false);

    public static readonly KickoffField ManagerField = new(ManagerId, null, "Manager", "email", [], [], false);

    public static readonly KickoffField Level = new(LevelId, null, "Level", "dropdown", [new("l1", "Junior", "1"), new("l2", "Senior", "2")], [], false);

    public static readonly TemplateStep Laptop = new("s1", null, "Set up laptop");
    public static readonly TemplateStep Welcome = new("s2", "welcome", "Welcome call");
    public static readonly TemplateStep Handbook = new("s3", null, "Read the handbook");

    public static Template Template(params KickoffField[] extra) =>
        new("tpl1", "Employee Onboarding", [Start, Department, Tools, Desk, Notes, ManagerField, Level, .. extra], [Laptop, Welcome, Handbook]);

    /// <summary>The docs' sales journey, for members: fields by label, three steps assigned.</summary>
    public static JourneyOptions Sales(string? kinds = "member") => new()
    {
        Name = "sales-onboarding",
        Template = "Employee Onboarding",
        Kinds = kinds is null ? [] : [kinds],
        Launch = "start_date-5d",
        Fields = new(StringComparer.OrdinalIgnoreCase) { ["Start date"] = "start_date", ["Department"] = "Department", ["tools"] = "Tools" },
        Assign = new(StringComparer.OrdinalIgnoreCase) { ["Set up laptop"] = "group:IT", ["Welcome call"] = "manager", ["Read the handbook"] = "person" },
    };

    /// <summary>A row's values by field name or column header, as the pipeline hands them.</summary>
    public static Func<string, string?> Row(params (string Name, string Value)[] values)
    {
        var row = values.ToDictionary(v => v.Name, v => v.Value, StringComparer.OrdinalIgnoreCase);
        return name => row.TryGetValue(name, out var value) ? value : null;
    }
}
