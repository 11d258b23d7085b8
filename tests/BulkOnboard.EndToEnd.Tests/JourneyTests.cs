using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Onboarding journeys (PRODUCT.md): a Tallyfy process launched from a template for each person an import creates or
/// invites, exactly once, read back. Every figure is counted from the sandbox's own processes and tasks.
/// </summary>
public class JourneyTests
{
    private static readonly string[] Departments = ["Sales", "Engineering", "Support"];

    private static readonly string[] Zones =
    [
        "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles",
        "Europe/London", "Asia/Kolkata", "America/Sao_Paulo", "Africa/Johannesburg", "Pacific/Auckland",
    ];

    private const string Boss = "boss@contoso.example";

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    private async Task StartAsync(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions
        {
            ExistingMembers = [Boss],
            Templates = [.. Departments.Select(d => new SandboxTemplateOptions
            {
                Title = $"{d} Onboarding",
                Fields =
                [
                    new() { Label = "Start date", Type = "date", Required = true },
                    new() { Label = "Department", Type = "text" },
                    new() { Label = "Laptop", Type = "dropdown", Options = ["Mac", "Windows", "Linux"] },
                    new() { Label = "Equipment", Type = "multiselect", Options = ["Monitor", "Headset", "Keyboard"] },
                ],
                Steps = ["Set up laptop", "Welcome call", "Read the handbook"],
            })],
        };
        configure?.Invoke(options);
        _sandbox = await SandboxServer.StartAsync(options);
        _sandbox.State.Groups["it"] = new SandboxGroup("it", "IT", "The IT team", [], []);
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        for (var i = 0; i < Departments.Length; i++)
        {
            var d = Departments[i];
            var key = $"Journeys:{i}:";
            _settings[key + "Name"] = d.ToLowerInvariant() + "-onboarding";
            _settings[key + "Template"] = $"{d} Onboarding";
            _settings[key + "When:0:Column"] = "Department";
            _settings[key + "When:0:Equals:0"] = d;
            _settings[key + "Kinds:0"] = "member";
            _settings[key + "ProcessName"] = "Onboarding: {first_name} {last_name} ({email})";
            _settings[key + "Fields:Start date"] = "start_date";
            _settings[key + "Fields:Department"] = "Department";
            _settings[key + "Fields:Laptop"] = "Laptop";
            _settings[key + "Fields:Equipment"] = "Equipment";
            _settings[key + "Assign:Set up laptop"] = "group:IT";
            _settings[key + "Assign:Welcome call"] = "manager";
            _settings[key + "Assign:Read the handbook"] = "person";
        }
    }

    /// <summary>Hires starting today (sent now), across the departments and ten zones.</summary>
    private string Hires(string name, int count, Func<int, string>? startDate = null)
    {
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Department,Manager,Start Date,Timezone,Laptop,Equipment\n");
        for (var i = 0; i < count; i++)
        {
            var start = startDate?.Invoke(i) ?? DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"hire{i}@contoso.example,Hire,Number{i},member,{Departments[i % 3]},{Boss},{start},{Zones[i % Zones.Length]},{(i % 2 == 0 ? "Mac" : "windows")},Monitor;Headset\n");
        }

        return _workspace.Write(name, csv.ToString());
    }

    private Task<CliResult> Import(string file, string outFolder, params string[] args) =>
        CliRun.RunAsync(_settings, ["import", file, .. args, "--out", Path.Combine(_workspace.Folder, outFolder)]);

    /// <summary>Every process the sandbox holds: one per hire, each with its kick-off values and its steps assigned as configured.</summary>
    private void AssertOneCompleteProcessEach(int hires)
    {
        var processes = _sandbox.State.Processes.Values.ToList();
        Assert.That(processes, Has.Count.EqualTo(hires), "one process per hire");
        var byPerson = processes.GroupBy(p => p.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.That(byPerson, Is.Empty, "no person's process twice");
        var boss = long.Parse(_sandbox.State.Members[Boss].Id, CultureInfo.InvariantCulture);
        for (var i = 0; i < hires; i++)
        {
            var email = $"hire{i}@contoso.example";
            var process = processes.Single(p => p.Name.Contains($"({email})", StringComparison.Ordinal));
            var template = _sandbox.State.Templates[process.ChecklistId];
            Assert.That(template.Title, Is.EqualTo($"{Departments[i % 3]} Onboarding"), email);
            foreach (var field in template.Fields)
            {
                var stored = process.Prerun.GetValueOrDefault(field.Id);
                Assert.That(stored is null || stored is JsonValue v && v.ToString().Length == 0 || stored is JsonArray { Count: 0 }, Is.False,
                    $"{email}: kick-off field '{field.Label}' is empty on read-back");
            }

            var member = long.Parse(_sandbox.State.Members[email].Id, CultureInfo.InvariantCulture);
            var tasks = _sandbox.State.TasksOfProcess(process.Id).ToDictionary(t => t.Title);
            Assert.That(tasks["Set up laptop"].Groups, Is.EqualTo(new[] { "it" }), email);
            Assert.That(tasks["Welcome call"].Users, Is.EqualTo(new[] { boss }), email);
            Assert.That(tasks["Read the handbook"].Users, Is.EqualTo(new[] { member }), email);
        }
    }

    [Test]
    public async Task ThreeHundredHires_ThreeJourneys_TenZones_OneProcessEach_AndReRunsAddNone()
    {
        await StartAsync();
        var file = Hires("hires.csv", 300);

        var first = await Import(file, "out1");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error + first.Out);
        AssertOneCompleteProcessEach(300);
        var lines = new Reports(Path.Combine(_workspace.Folder, "out1")).Results();
        Assert.That(lines.Select(l => l.JourneyOutcome), Is.All.EqualTo("launched"));
        Assert.That(lines.Select(l => l.ProcessId), Is.All.Not.Empty);
        Assert.That(lines.Select(l => l.ProcessId).Distinct().Count(), Is.EqualTo(300));

        for (var run = 2; run <= 4; run++)
        {
            var again = await Import(file, $"out{run}", run == 4 ? ["--force"] : []);
            Assert.That(again.ExitCode, Is.EqualTo(0), string.Join("\n", new Reports(Path.Combine(_workspace.Folder, $"out{run}")).Results().Take(3).Select(l => $"{l.Outcome} {l.Reason} {l.JourneyOutcome} {l.Message}")));
            Assert.That(_sandbox.State.Processes, Has.Count.EqualTo(300), $"re-run {run - 1} added processes");
        }

        var summary = new Reports(Path.Combine(_workspace.Folder, "out4")).Summary;
        Assert.That(summary.Journeys!["skipped"], Is.EqualTo(300), "--force: every journey already launched");
    }

    [Test]
    public async Task ThirtyPercentOfLaunchAnswersLost_AndTheRunKilled_ThenAReRun_ExactlyOneProcessEach()
    {
        await StartAsync(o =>
        {
            o.RunLostAnswerRate = 0.3;
            o.Seed = 33;
            o.Latency = TimeSpan.FromMilliseconds(10);
        });
        var file = Hires("hires.csv", 300);
        var journal = _settings["Journal:Path"]!;
        var environment = _settings.Where(s => s.Value is not null).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        environment["Delivery__MaxConcurrency"] = "4";
        using (var first = CliProcess.Start(_sandbox, journal, _workspace.Folder, environment, "import", file, "--out", Path.Combine(_workspace.Folder, "killed")))
        {
            Assert.That(await CliProcess.WaitUntilAsync(first, () => _sandbox.State.Processes.Count >= 100, TimeSpan.FromSeconds(120)), Is.True, "launches under way");
            Assert.That(first.HasExited, Is.False, "the run must still be going when it is killed");
            await CliProcess.KillAsync(first);
        }

        var launchedBeforeKill = _sandbox.State.Processes.Count;
        var again = await Import(file, "again");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
        AssertOneCompleteProcessEach(300);
        var lost = _sandbox.State.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/runs", StringComparison.Ordinal) && r.Status is 0 or >= 500);
        var lines = new Reports(Path.Combine(_workspace.Folder, "again")).Results();
        Assert.That(lines.Select(l => l.JourneyOutcome), Is.All.AnyOf("launched", "skipped"), string.Join("\n", lines.Where(l => l.JourneyOutcome is not ("launched" or "skipped")).Take(3).Select(l => l.Message)));

        var third = await Import(file, "third", "--force");
        Assert.That(third.ExitCode, Is.EqualTo(0), third.Error);
        Assert.That(_sandbox.State.Processes, Has.Count.EqualTo(300), "a third run, forced, adds none");
        TestContext.Out.WriteLine($"{launchedBeforeKill} processes when killed; {lost} launch answers lost or failed");
    }

    [Test]
    public async Task AFieldTheTemplateLacks_StopsTheRunBeforeAnyWrite_NamingIt()
    {
        await StartAsync();
        _settings["Journeys:1:Fields:Cost centre"] = "Department";
        var result = await Import(Hires("hires.csv", 10), "out");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.Contain("Cost centre").And.Contain("engineering-onboarding"));
        Assert.That(result.Error.Trim().Split('\n').Count(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1), "one line");
        Assert.That(_sandbox.State.Requests.Where(r => r.Method != "GET"), Is.Empty, "nothing written: no person, no process");
        Assert.That(_sandbox.State.Processes, Is.Empty);
    }

    [Test]
    public async Task TallyfyDropsAKickOffKeySilently_ThoseProcessesAreLaunchedIncomplete_NamingTheField_Exit2()
    {
        await StartAsync(o => o.DropKickoffLabel = "Laptop");
        var result = await Import(Hires("hires.csv", 12), "out");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(_sandbox.State.Processes, Has.Count.EqualTo(12), "launched once each: an incomplete launch is never sent again");
        var reports = new Reports(Path.Combine(_workspace.Folder, "out"));
        var lines = reports.Results();
        Assert.That(lines.Select(l => l.JourneyOutcome), Is.All.EqualTo("launched_incomplete"));
        Assert.That(lines.Select(l => l.Message), Is.All.Contain("'Laptop'"));
        Assert.That(lines.Select(l => l.ProcessId), Is.All.Not.Empty);
        Assert.That(reports.Summary.Journeys!["launched_incomplete"], Is.EqualTo(12));

        var again = await Import(Hires("hires.csv", 12), "again");
        Assert.That(_sandbox.State.Processes, Has.Count.EqualTo(12), "a re-run does not launch them again");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
    }

    [Test]
    public async Task UnderTheGuestCap_MemberInvitesAndTheirLaunches_DoNotWaitForTheGuests()
    {
        await StartAsync(o =>
        {
            o.GuestCap = "5/6s";
            o.BurstLimit = "10/1s";
            o.SendRateLimitHeaders = false;
        });
        _settings["Journeys:0:Kinds:0"] = "guest";
        _settings["Journeys:0:Assign:Read the handbook"] = "person, manager";
        _settings["Journeys:0:When:0:Equals:0"] = "Partners";
        var csv = new StringBuilder(File.ReadAllText(Hires("members.csv", 90)));
        for (var i = 0; i < 20; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"guest{i}@partner.example,Guest,Number{i},guest,Partners,{Boss},,Europe/Berlin,Mac,Monitor\n");
        }

        // Sales rows are left to the guests' journey only for guests: members of Sales get none.
        var result = await Import(_workspace.Write("mixed.csv", csv.ToString()), "out");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);

        var requests = _sandbox.State.Requests.ToList();
        var lastGuest = requests.Where(r => r.Status == 201 && r.Path.EndsWith("/guests", StringComparison.Ordinal)).Max(r => r.At);
        var invites = requests.Where(r => r.Path.EndsWith("/users/invite", StringComparison.Ordinal)).ToList();
        var memberLaunches = _sandbox.State.Processes.Values.Where(p => p.Name.Contains("@contoso.example", StringComparison.Ordinal)).ToList();
        Assert.That(invites, Has.Count.EqualTo(90));
        Assert.That(memberLaunches, Has.Count.EqualTo(60), "Engineering and Support members launched; Sales members match no journey of theirs");
        Assert.That(invites.Max(r => r.At), Is.LessThan(lastGuest), "members are invited while the guests wait for their cap");
        Assert.That(memberLaunches.Min(p => p.CreatedAt), Is.LessThan(lastGuest), "launches take the turns nobody else can use: they begin while the guests wait");
        Assert.That(_sandbox.State.Processes.Values.Count(p => p.Name.Contains("@partner.example", StringComparison.Ordinal)), Is.EqualTo(20), "each guest launched once created");
    }

    [Test]
    public async Task PeopleOnboardedBeforeAJourneyExisted_GetNone_ThoseAfterDo()
    {
        await StartAsync();
        var withJourneys = new Dictionary<string, string?>(_settings);
        foreach (var key in _settings.Keys.Where(k => k.StartsWith("Journeys:", StringComparison.Ordinal)).ToList())
        {
            _settings.Remove(key);
        }

        var earlier = await Import(Hires("earlier.csv", 20), "earlier");
        Assert.That(earlier.ExitCode, Is.EqualTo(0), earlier.Error);
        _settings = withJourneys;

        // The same 20 again plus 10 new: only the new are launched for.
        var later = await Import(Hires("later.csv", 30), "later");

        Assert.That(later.ExitCode, Is.EqualTo(0), later.Error);
        Assert.That(_sandbox.State.Processes.Values.Select(p => p.Name).ToList(), Has.Count.EqualTo(10).And.All.Not.Contains("(hire1@"), "none for anyone onboarded before the journeys");
        var lines = new Reports(Path.Combine(_workspace.Folder, "later")).Results();
        Assert.That(lines.Take(20).Select(l => l.JourneyOutcome), Is.All.Empty);
        Assert.That(lines.Skip(20).Select(l => l.JourneyOutcome), Is.All.EqualTo("launched"));
    }

    [Test]
    public async Task ATemplateOnTheThirdPage_OfAListingThatServesTenWhateverIsAsked_IsFound()
    {
        // Tallyfy's listings may ignore per_page: the template named by its title is on the third page of ten.
        await StartAsync(o =>
        {
            o.IgnorePerPage = 10;
            o.Templates = [.. Enumerable.Range(0, 24).Select(i => new SandboxTemplateOptions { Title = $"Sales Onboarding (old {i})", Steps = ["Set up laptop"] }), .. o.Templates];
        });
        foreach (var key in _settings.Keys.Where(k => k.StartsWith("Journeys:", StringComparison.Ordinal) && !k.StartsWith("Journeys:0:", StringComparison.Ordinal)).ToList())
        {
            _settings.Remove(key);
        }

        var result = await Import(Hires("hires.csv", 3), "out");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(_sandbox.State.Processes.Values.Select(p => _sandbox.State.Templates[p.ChecklistId].Title).Distinct(), Is.EqualTo(new[] { "Sales Onboarding" }));
    }
}
