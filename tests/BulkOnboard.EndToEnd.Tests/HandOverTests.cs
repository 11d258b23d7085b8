using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Leavers hand their work over (PRODUCT.md): every figure counted from the sandbox's own tasks. A leaver's open
/// tasks go to their manager (or the manager's manager when the manager leaves too), a guest's are moved before the
/// guest is removed, and a leaver with open tasks and no one to take them is held.
/// </summary>
public class HandOverTests
{
    private const string Header = "Email,First Name,Last Name,Type,Role,Manager\n";

    private Workspace _workspace = null!;
    private SandboxServer? _sandbox;
    private Dictionary<string, string?> _settings = null!;

    /// <summary>Who is in the organization, and whose manager is whom (the roster's Manager column).</summary>
    private readonly Dictionary<string, string?> _managers = new(StringComparer.OrdinalIgnoreCase);

    private static readonly string[] Bosses = [.. Enumerable.Range(0, 5).Select(i => $"boss{i}@contoso.example")];
    private static readonly string[] Stayers = [.. Enumerable.Range(0, 8).Select(i => $"stay{i}@contoso.example")];
    private static readonly string[] MemberLeavers = [.. Enumerable.Range(0, 30).Select(i => $"m{i}@contoso.example")];
    private static readonly string[] GuestLeavers = [.. Enumerable.Range(0, 10).Select(i => $"g{i}@partner.example")];
    private const string StayingGuest = "sg@partner.example";

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    /// <summary>A sandbox holding exactly these people (the day-1 roster lists them all).</summary>
    private async Task StartAsync(IEnumerable<string> people)
    {
        var all = people.ToList();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            ExistingMembers = [.. all.Where(e => e.EndsWith("@contoso.example", StringComparison.Ordinal))],
            ExistingGuests = [.. all.Where(e => e.EndsWith("@partner.example", StringComparison.Ordinal))],
        });
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        _settings["Sync:ManageExisting"] = "true";
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:LeaverGracePeriod"] = "00:00:00";
        _settings["Sync:MaxLeavers"] = "100";
        _settings["Sync:MaxLeaversPercent"] = "100";
        _settings["Sync:MinRosterPercent"] = "1";
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_sandbox is not null)
        {
            await _sandbox!.DisposeAsync();
        }

        _workspace.Dispose();
    }

    private string Id(string email) => _sandbox!.State.Members[email].Id;

    private string Roster(string name, IEnumerable<string> people)
    {
        // The organization's owner (the sandbox's default administrator) is in every roster.
        var csv = new StringBuilder(Header).Append("owner@sandbox.example,Org,Owner,member,admin,\n");
        foreach (var email in people)
        {
            var guest = email.EndsWith("@partner.example", StringComparison.Ordinal);
            csv.Append($"{email},First,Last,{(guest ? "guest" : "member")},{(guest ? string.Empty : "standard")},{_managers.GetValueOrDefault(email)}\n");
        }

        return _workspace.Write(name, csv.ToString());
    }

    private Task<CliResult> Sync(string roster, string outFolder, params string[] args) =>
        CliRun.RunAsync(_settings, ["sync", roster, .. args, "--out", Path.Combine(_workspace.Folder, outFolder)]);

    /// <summary>Who takes over from a leaver, worked out here from the roster's managers: the first manager up the chain who stays.</summary>
    private string ExpectedSuccessor(string leaver, ISet<string> leaving)
    {
        var manager = _managers[leaver]!;
        while (leaving.Contains(manager))
        {
            manager = _managers[manager]!;
        }

        return manager;
    }

    [Test]
    public async Task FortyLeaversWithUpToThirtyOpenTasks_AllHandedToTheRightSuccessor_CoAssigneesKept_NothingLeftOnALeaver()
    {
        var everyone = Bosses.Concat(Stayers).Concat(MemberLeavers).Concat(GuestLeavers).Append(StayingGuest).ToList();
        await StartAsync(everyone);
        // Managers: the first 20 members report to a boss who stays; the next 10 to a leaver (m25 -> m5 -> boss0: a
        // chain of leaving managers); the guests to a leaving member or a boss.
        foreach (var (email, i) in MemberLeavers.Select((e, i) => (e, i)))
        {
            _managers[email] = i < 20 ? Bosses[i % 5] : MemberLeavers[i - 20];
        }

        _managers["m5@contoso.example"] = "m0@contoso.example";
        foreach (var (email, i) in GuestLeavers.Select((e, i) => (e, i)))
        {
            _managers[email] = i % 2 == 0 ? MemberLeavers[20 + i] : Bosses[i % 5];
        }

        foreach (var email in Bosses.Concat(Stayers))
        {
            _managers[email] = null;
        }

        // Open tasks: 0-30 a leaver; a third shared with a member who stays, some with a guest who stays, some with another
        // leaver; and completed tasks that nobody touches.
        var random = new Random(32);
        var seeded = new List<(string Id, List<string> Leavers, List<string> Others)>();
        var leavers = MemberLeavers.Concat(GuestLeavers).ToList();
        foreach (var (leaver, i) in leavers.Select((l, i) => (l, i)))
        {
            var count = i == 0 ? 30 : i == 1 ? 0 : random.Next(0, 31);
            for (var t = 0; t < count; t++)
            {
                var owners = new List<string> { leaver };
                var others = new List<string>();
                if (t % 3 == 0)
                {
                    others.Add(Stayers[(i + t) % Stayers.Length]);
                }

                if (t % 7 == 0)
                {
                    others.Add(StayingGuest);
                }

                if (t % 5 == 0)
                {
                    owners.Add(leavers[(i + 1) % leavers.Count]);
                }

                var all = owners.Concat(others).ToList();
                var members = all.Where(e => e.EndsWith("@contoso.example", StringComparison.Ordinal)).Select(Id).ToList();
                if (members.Count == 0)
                {
                    // A guest's task has a member beside it (Tallyfy's rule).
                    members.Add(Id(Stayers[t % Stayers.Length]));
                    others.Add(Stayers[t % Stayers.Length]);
                }

                var task = _sandbox!.State.SeedTask($"task {t} of {leaver}", members, all.Where(e => e.EndsWith("@partner.example", StringComparison.Ordinal)));
                seeded.Add((task.Id, owners, others));
            }

            _sandbox!.State.SeedTask($"done by {leaver}", [Id(Stayers[0])], null, completed: true);
        }

        var done = _sandbox!.State.Tasks.Values.Where(t => !t.IsOpen).ToDictionary(t => t.Id);
        var openBefore = leavers.ToDictionary(l => l, l => _sandbox!.State.OpenTasksOf(l.EndsWith("@partner.example", StringComparison.Ordinal) ? l : Id(l)).Count);
        Assert.That(openBefore.Values.Sum(), Is.GreaterThan(400), "the fixture holds hundreds of open tasks");

        // Day 1: everyone, with their managers (the journal remembers them). Day 2: the 40 leavers are gone from the roster.
        var day1 = await Sync(Roster("day1.csv", everyone), "day1", "--yes");
        Assert.That(day1.ExitCode, Is.EqualTo(0), day1.ToString());
        var day2 = Roster("day2.csv", everyone.Except(leavers));

        var planned = await Sync(day2, "plan", "--plan");
        Assert.That(planned.ExitCode, Is.EqualTo(0), planned.ToString());
        var plan = PlanCsv("plan");
        var leaving = leavers.ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.That(plan.Where(l => l["row"] == string.Empty).Select(l => l["email"]), Is.EquivalentTo(leavers), "one plan line per leaver");
        foreach (var line in plan.Where(l => l["row"] == string.Empty))
        {
            Assert.That(line["open_tasks"], Is.EqualTo(openBefore[line["email"]].ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{line["email"]}'s open tasks, as the sandbox holds them");
            Assert.That(line["successor"], Is.EqualTo(ExpectedSuccessor(line["email"], leaving)), $"{line["email"]}'s successor");
            Assert.That(line["action"], Is.EqualTo(line["kind"] == "member" ? "deactivate" : "remove"));
        }

        var applied = await Sync(day2, "apply", "--yes");
        Assert.That(applied.ExitCode, Is.EqualTo(0), applied.ToString());

        // Counted from the sandbox: every member leaver disabled, every guest leaver gone, nothing open left on any of them.
        Assert.That(MemberLeavers.Select(m => _sandbox!.State.Members[m].Fields["status"]), Is.All.EqualTo("disabled"));
        Assert.That(GuestLeavers.Where(_sandbox!.State.Guests.ContainsKey), Is.Empty);
        var leaverIds = MemberLeavers.Select(m => long.Parse(Id(m), System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var open = _sandbox!.State.Tasks.Values.Where(t => t.IsOpen).ToList();
        Assert.That(open.Count(t => t.Users.Any(leaverIds.Contains) || t.Guests.Any(g => GuestLeavers.Contains(g, StringComparer.OrdinalIgnoreCase))), Is.EqualTo(0),
            "no open task is owned by a deactivated member or a removed guest");
        foreach (var (id, owners, others) in seeded)
        {
            var task = _sandbox!.State.Tasks[id];
            var holders = task.Users.Select(u => _sandbox!.State.Members.Values.Single(m => m.Id == u.ToString(System.Globalization.CultureInfo.InvariantCulture)).Email).Concat(task.Guests).ToList();
            Assert.That(holders, Is.SupersetOf(others), $"task {id}: every co-assignee still assigned");
            Assert.That(holders, Is.SupersetOf(owners.Select(o => ExpectedSuccessor(o, leaving))), $"task {id}: each leaver's successor took it over");
        }

        Assert.That(done.Values.Select(t => _sandbox!.State.Tasks[t.Id]), Is.EqualTo(done.Values), "completed tasks are not touched");
        var lines = new Reports(Path.Combine(_workspace.Folder, "apply")).Results().Where(r => r.Row == 0).ToList();
        Assert.That(lines, Has.Count.EqualTo(40));
        Assert.That(lines.Select(l => l.Message), Is.All.Contain("read back: 0 incomplete tasks left on them"));
    }

    [Test]
    public async Task ALeaverWithOpenTasks_NoManager_NoReassignTo_IsHeld_NeverDeactivated_Exit5()
    {
        var orphan = "orphan@contoso.example";
        await StartAsync([.. Bosses, orphan]);
        foreach (var t in Enumerable.Range(0, 3))
        {
            _sandbox!.State.SeedTask($"orphan's {t}", [Id(orphan), Id(Bosses[0])]);
        }

        var day1 = await Sync(Roster("day1.csv", [.. Bosses, orphan]), "day1", "--yes");
        Assert.That(day1.ExitCode, Is.EqualTo(0), day1.ToString());

        var applied = await Sync(Roster("day2.csv", Bosses), "apply", "--yes");

        Assert.That(applied.ExitCode, Is.EqualTo(5), applied.ToString());
        Assert.That(_sandbox!.State.Members[orphan].Fields["status"], Is.EqualTo("active"), "never deactivated with work on them");
        Assert.That(_sandbox!.State.OpenTasksOf(Id(orphan)), Has.Count.EqualTo(3));
        Assert.That(_sandbox!.State.Requests.Where(r => r.Method == "DELETE"), Is.Empty);
        var line = new Reports(Path.Combine(_workspace.Folder, "apply")).Results().Single(r => r.Email == orphan);
        Assert.That((line.Outcome, line.Message), Is.EqualTo(("held", "held: no one to take over 3 open tasks (no manager who stays, and Sync:ReassignTo is not set)")));
    }

    [Test]
    public async Task AGuestLeaverWithTwelveOpenTasks_TwoPagesOfTen_AllMoved_ThenRemoved_InOneRun()
    {
        const string Guest = "big@partner.example";
        await StartAsync([.. Bosses, .. Stayers, Guest, StayingGuest]);
        _managers[Guest] = Bosses[1];
        foreach (var t in Enumerable.Range(0, 12))
        {
            _sandbox!.State.SeedTask($"big's {t}", [Id(Stayers[t % 3])], [Guest, StayingGuest]);
        }

        var day1 = await Sync(Roster("day1.csv", [.. Bosses, .. Stayers, Guest, StayingGuest]), "day1", "--yes");
        Assert.That(day1.ExitCode, Is.EqualTo(0), day1.ToString());

        var applied = await Sync(Roster("day2.csv", [.. Bosses, .. Stayers, StayingGuest]), "apply", "--yes");

        Assert.That(applied.ExitCode, Is.EqualTo(0), applied.ToString());
        Assert.That(_sandbox!.State.Guests.ContainsKey(Guest), Is.False, "removed");
        var theirs = _sandbox!.State.Tasks.Values.Where(t => t.Title.StartsWith("big's", StringComparison.Ordinal)).ToList();
        Assert.That(theirs, Has.Count.EqualTo(12));
        Assert.That(theirs.Select(t => t.Guests), Is.All.EqualTo(new[] { StayingGuest }), "the guest taken off, the other guest kept");
        Assert.That(theirs.Select(t => t.Users.Contains(long.Parse(Id(Bosses[1]), System.Globalization.CultureInfo.InvariantCulture))), Is.All.True, "the manager took each over");
        Assert.That(theirs.Select((t, i) => t.Users.Contains(long.Parse(Id(Stayers[int.Parse(t.Title[6..], System.Globalization.CultureInfo.InvariantCulture) % 3]), System.Globalization.CultureInfo.InvariantCulture))),
            Is.All.True, "the member beside them kept");
        var line = new Reports(Path.Combine(_workspace.Folder, "apply")).Results().Single(r => r.Email == Guest);
        Assert.That(line.Outcome, Is.EqualTo("removed"));
        Assert.That(line.Message, Does.Contain("12 open tasks go to boss1@contoso.example (manager); 12 open tasks handed to boss1@contoso.example;").And.Contain("read back: 0 incomplete tasks left on them"));

        // Undo puts the guest back; the tasks stay with the manager, and the line says so.
        var undone = await CliRun.RunAsync(_settings, "sync", "--undo", "2", "--out", Path.Combine(_workspace.Folder, "undo"));
        Assert.That(undone.ExitCode, Is.EqualTo(0), undone.ToString());
        Assert.That(_sandbox!.State.Guests.ContainsKey(Guest), Is.True, "re-created");
        Assert.That(_sandbox!.State.OpenTasksOf(Guest), Is.Empty, "the tasks handed over stay with the successor");
        var back = new Reports(Path.Combine(_workspace.Folder, "undo")).Results().Single(r => r.Email == Guest);
        Assert.That(back.Message, Does.Contain("the open tasks handed to boss1@contoso.example when they left stay with boss1@contoso.example"));
    }

    private List<Dictionary<string, string>> PlanCsv(string folder)
    {
        var path = Directory.GetFiles(Path.Combine(_workspace.Folder, folder), "*.plan.csv").Single();
        using var reader = CsvHelper.CsvReader.FromFile(path);
        var lines = new List<Dictionary<string, string>>();
        foreach (var row in reader)
        {
            var cells = row.ToArray();
            lines.Add(reader.Headers!.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => cells[x.i]));
        }

        Assert.That(reader.Headers, Is.EqualTo(new[] { "row", "kind", "email", "action", "detail", "open_tasks", "successor" }));
        return lines;
    }
}
