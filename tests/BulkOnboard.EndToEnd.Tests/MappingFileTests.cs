using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>A Workday-style roster imported with a mapping file: filters, value maps, a default role.</summary>
public class MappingFileTests
{
    private const string Header = "Employee ID,Legal Name - First Name,Legal Name - Last Name,Email - Work,Worker Type,Employment Status,Management Level";

    private const string Mapping = """
        columns:
          email: Email - Work
          role: Management Level
        values:
          kind:
            Regular: member
            Contingent Worker: guest
            Temp Agency: guest
          role:
            People Manager: admin
        defaults:
          role: standard
          message: Welcome to Tallyfy
        include:
          - column: Employment Status
            equals: [Active, On Leave]
        """;

    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task WorkdayRoster_WithAMapping_TerminatedAreFiltered_TheRestLandWithTheMappedKindAndRole()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var (file, expected) = WorkdayRoster(60);
        var mapping = _workspace.Write("workday.yaml", Mapping);

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", file, "--mapping", mapping, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var lines = _workspace.Reports.Results();
        Assert.That(lines.Select(l => l.Row), Is.EqualTo(Enumerable.Range(2, 60)), "every row once, in order");
        foreach (var (line, person) in lines.Zip(expected))
        {
            if (person.Status == "Terminated")
            {
                Assert.That((line.Outcome, line.Reason), Is.EqualTo(("skipped", "filtered")), line.Email);
                Assert.That(line.Message, Does.Contain("Employment Status is 'Terminated'"));
                Assert.That(sandbox.State.Guests.ContainsKey(person.Email) || sandbox.State.Members.ContainsKey(person.Email), Is.False, $"{person.Email} was sent");
            }
            else if (person.Kind == "guest")
            {
                Assert.That(line.Outcome, Is.EqualTo("created"), line.Email);
                Assert.That(sandbox.State.Guests.ContainsKey(person.Email), Is.True, person.Email);
            }
            else
            {
                Assert.That(line.Outcome, Is.EqualTo("invited"), line.Email);
                Assert.That(sandbox.State.Members[person.Email].Fields["role"], Is.EqualTo(person.Role), person.Email);
            }
        }

        var kept = expected.Where(p => p.Status != "Terminated").ToList();
        Assert.That(sandbox.State.Members.Keys, Is.EquivalentTo(kept.Where(p => p.Kind == "member").Select(p => p.Email)), "the sandbox holds exactly the others");
        Assert.That(sandbox.State.Guests.Keys, Is.EquivalentTo(kept.Where(p => p.Kind == "guest").Select(p => p.Email)));
        Assert.That(_workspace.Reports.Summary.SkippedReasons["filtered"], Is.EqualTo(expected.Count(p => p.Status == "Terminated")));
        Assert.That(File.ReadAllLines(_workspace.Reports.FailedPath), Has.Length.EqualTo(1), "filtered rows are not problems to fix");
    }

    [Test]
    public async Task Inspect_ShowsTheMappingAndTheFilterCounts_AndSendsNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var (file, expected) = WorkdayRoster(60);
        var mapping = _workspace.Write("workday.yaml", Mapping);

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "inspect", file, "--mapping", mapping);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var terminated = expected.Count(p => p.Status == "Terminated");
        Assert.That(result.Out, Does.Contain("Header: row 1"));
        Assert.That(result.Out, Does.Contain("Mapping file: " + mapping));
        Assert.That(result.Out, Does.Match(@"Email - Work\s+-> email \(mapping file\)\s+w0@contoso\.example, w1@contoso\.example, w2@contoso\.example"));
        Assert.That(result.Out, Does.Match(@"Management Level\s+-> role \(mapping file\)"));
        Assert.That(result.Out, Does.Match(@"Worker Type\s+-> kind"));
        Assert.That(result.Out, Does.Contain("role: standard"));
        Assert.That(result.Out, Does.Contain($"include Employment Status equals Active, On Leave: leaves out {terminated} rows"));
        Assert.That(result.Out, Does.Contain($"60 data rows: {60 - terminated} kept, {terminated} left out by filters"));
        Assert.That(result.Out, Does.Match(@"Kind: from the column 'Worker Type'.*Regular -> member"));
        Assert.That(sandbox.State.Requests, Is.Empty, "inspect sends nothing");
    }

    [Test]
    public async Task Inspect_AnExcelWorkbook_WithoutAMapping_ShowsHowEachColumnIsUnderstood()
    {
        var xlsx = new BulkOnboard.Tests.Support.WorkbookBuilder()
            .Sheet("People", ["Title row"], ["Email", "First Name", "Type", "Cost Center"], ["a@x.example", "Ann", "guest", "C1"], ["b@x.example", "Bob", "Employee", "C2"])
            .Save(Path.Combine(_workspace.Folder, "people.xlsx"));

        var result = await CliRun.RunAsync(null, "inspect", xlsx);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Contain("Header: row 2"));
        Assert.That(result.Out, Does.Match(@"Email\s+-> email\s+a@x\.example, b@x\.example"));
        Assert.That(result.Out, Does.Match(@"Cost Center\s+-> \(not used\)"));
        Assert.That(result.Out, Does.Match(@"Kind: from the column 'Type'.*guest 1.*member 1"));
    }

    [Test]
    public async Task Import_AMappingNamingAColumnTheFileLacks_StopsWithOneLine_Exit1_AndSendsNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var (file, _) = WorkdayRoster(5);
        var mapping = _workspace.Write("bad.json", """{ "include": [ { "column": "Status", "equals": ["Active"] } ] }""");

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", file, "--mapping", mapping, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.Some.Contain("column 'Status' (include) is not in the header of workday.csv"));
        Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(sandbox.State.Requests, Is.Empty);
    }

    [Test]
    public async Task Import_AnUnusableMappingFile_StopsWithOneLine_Exit1()
    {
        var (file, _) = WorkdayRoster(5);
        var mapping = _workspace.Write("bad.yaml", "columns: [email\n");

        var result = await CliRun.RunAsync(null, "validate", file, "--mapping", mapping, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.Some.Contain("is not valid YAML"));
    }

    private (string File, List<(string Email, string Kind, string Role, string Status)> People) WorkdayRoster(int rows)
    {
        var csv = new StringBuilder(Header + "\n");
        var people = new List<(string, string, string, string)>();
        string[] statuses = ["Active", "Active", "Terminated", "On Leave", "Active"];
        for (var i = 0; i < rows; i++)
        {
            var status = statuses[i % statuses.Length];
            var (type, kind) = (i % 7) switch
            {
                0 => ("Contingent Worker", "guest"),
                3 => ("Temp Agency", "guest"),
                _ => ("Regular", "member"),
            };
            var level = i % 4 == 1 ? "People Manager" : i % 4 == 2 ? "light" : string.Empty;
            var role = level switch { "People Manager" => "admin", "light" => "light", _ => "standard" };
            csv.Append($"W{i},First{i},Last{i},w{i}@contoso.example,{type},{status},{level}\n");
            people.Add(($"w{i}@contoso.example", kind, role, status));
        }

        return (_workspace.Write("workday.csv", csv.ToString()), people);
    }
}
