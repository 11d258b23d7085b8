using System.Text.RegularExpressions;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// <c>sync --plan</c>'s screen and its plan.csv count the same lines: "unchanged N" is the plan's unchanged
/// lines, and "N people ... left alone" is the people the plan lists as left alone, the default administrator
/// among them, each with why.
/// </summary>
public partial class PlanCountsTests
{
    [Test]
    public async Task SyncPlan_TheScreensCounts_AreThePlanCsvsLines_AndTheDefaultAdminIsListedAsLeftAlone()
    {
        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            ExistingMembers = ["held.one@contoso.example", "by.hand@contoso.example"],
            ExistingGuests = ["held.two@partner.example", "visitor@partner.example"],
        });
        var settings = CliRun.SettingsFor(sandbox);
        settings["Journal:Path"] = Path.Combine(workspace.Folder, "journal.db");
        var roster = workspace.Write("roster.csv", "Email,First Name,Last Name,Type,Role\n"
            + "held.one@contoso.example,Held,One,member,standard\n"
            + "held.two@partner.example,Held,Two,guest,\n"
            + "new.one@contoso.example,New,One,member,standard\n"
            + "new.two@partner.example,New,Two,guest,\n");

        var result = await CliRun.RunAsync(settings, "sync", roster, "--plan", "--out", workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var lines = new List<string[]>();
        using (var reader = CsvHelper.CsvReader.FromFile(Directory.GetFiles(workspace.ReportFolder, "*.plan.csv").Single()))
        {
            foreach (var row in reader)
            {
                lines.Add(row.ToArray());
            }
        }

        var unchanged = lines.Where(l => l[3] == "unchanged").ToList();
        var leftAlone = unchanged.Where(l => l[4].StartsWith("not in the roster, left alone", StringComparison.Ordinal)).ToList();
        Assert.That(leftAlone.Select(l => l[2]), Is.EquivalentTo(new[] { sandbox.Options.DefaultAdmin, "by.hand@contoso.example", "visitor@partner.example" }));
        Assert.That(leftAlone.Single(l => l[2] == sandbox.Options.DefaultAdmin)[4], Does.Contain("default administrator"));

        Assert.That(UnchangedOnScreen().Match(result.Out) is { Success: true } shown ? int.Parse(shown.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1,
            Is.EqualTo(unchanged.Count), result.ToString());
        Assert.That(LeftAloneOnScreen().Match(result.Out) is { Success: true } said ? int.Parse(said.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1,
            Is.EqualTo(leftAlone.Count), result.ToString());
    }

    [GeneratedRegex(@"unchanged\s*│\s*(\d+)")]
    private static partial Regex UnchangedOnScreen();

    [GeneratedRegex(@"(\d+) people in Tallyfy but not in the roster")]
    private static partial Regex LeftAloneOnScreen();
}
