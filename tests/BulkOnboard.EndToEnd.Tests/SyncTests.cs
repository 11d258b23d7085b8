using System.Text;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary><c>bulkonboard sync</c>: joiners, movers and leavers against the sandbox, every figure from its own state.</summary>
public class SyncTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { ExistingMembers = ["by.hand@contoso.example"] });
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task Day1ThenDay2_PlanListsExactlyTheChanges_ApplyMakesTallyfyMatchTheRoster()
    {
        var day1 = Roster(members: 60, guests: 40);
        var first = await Sync("day1", day1.Write(_workspace, "day1.csv"), "--yes");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(ActiveMembers(), Is.EquivalentTo(day1.Members.Keys.Append("by.hand@contoso.example")));
        Assert.That(_sandbox.State.Guests.Keys, Is.EquivalentTo(day1.Guests));

        // Day 2: 5 members and 3 guests left, 4 changed role, 6 joined.
        var day2 = day1.Without(members: 5, guests: 3).WithRoles(4, "admin").WithJoiners(members: 4, guests: 2);
        var rosterFile = day2.Write(_workspace, "day2.csv");
        var requestsBefore = _sandbox.State.Requests.Count;
        var planned = await Sync("day2-plan", rosterFile, "--plan");

        Assert.That(planned.ExitCode, Is.EqualTo(0), planned.ToString());
        var plan = PlanLines("day2-plan");
        Assert.That(plan.Count(l => l.Action == "invite"), Is.EqualTo(4));
        Assert.That(plan.Count(l => l.Action == "create"), Is.EqualTo(2));
        Assert.That(plan.Count(l => l.Action == "update_role"), Is.EqualTo(4));
        Assert.That(plan.Where(l => l.Action == "hold").Select(l => l.Email), Is.EquivalentTo(day1.LeftIn(day2)), "at the default grace of 2 rosters the 8 leavers are held");
        Assert.That(plan.Where(l => l.Action == "hold").Select(l => l.Detail), Is.All.Contain("grace: missing from 1 of the 2"));
        Assert.That(plan.Count(l => l.Action is not ("unchanged" or "hold")), Is.EqualTo(10));
        Assert.That(_sandbox.State.Requests.Skip(requestsBefore).Select(r => r.Method), Is.All.EqualTo("GET"), "a plan sends nothing");

        var planJson = Directory.GetFiles(Path.Combine(_workspace.Folder, "day2-plan"), "*.plan.json").Single();
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:MaxLeaversPercent"] = "10";
        var applied = await Sync("day2-apply", null, "--apply", planJson);

        Assert.That(applied.ExitCode, Is.EqualTo(0), applied.ToString());
        Assert.That(ActiveMembers(), Is.EquivalentTo(day2.Members.Keys.Append("by.hand@contoso.example")), "the members Tallyfy holds active are the roster's, and the one invited by hand");
        Assert.That(_sandbox.State.Guests.Keys, Is.EquivalentTo(day2.Guests));
        Assert.That(day2.Members.Select(m => _sandbox.State.Members[m.Key].Fields["role"]), Is.EqualTo(day2.Members.Values));
        Assert.That(_sandbox.State.DefaultAdmin!.Fields["status"], Is.EqualTo("active"));
        var results = new Reports(Path.Combine(_workspace.Folder, "day2-apply")).Results();
        Assert.That(results.Where(r => r.Row > 0).Select(r => r.Row), Is.EqualTo(Enumerable.Range(2, day2.Count)), "every roster row once");
        Assert.That(results.Where(r => r.Row == 0).Select(r => (r.Email, r.Outcome)),
            Is.EquivalentTo(day1.LeftIn(day2).Select(e => (e, day1.Guests.Contains(e) ? "removed" : "deactivated"))), "then one line per leaver");

        // History answers "when was this person deactivated, by which run, from which roster?".
        var summary = new Reports(Path.Combine(_workspace.Folder, "day2-apply")).Summary;
        var leaver = day1.LeftIn(day2).First(e => e.StartsWith('m'));
        var history = await CliRun.RunAsync(_settings, "history", "--email", leaver);
        Assert.That(history.Out, Does.Contain("deactivated").And.Contain("day2.csv").And.Contain($"│ {summary.RunId} "), history.ToString());

        // Undo day 2: day 1's people are back.
        var undone = await Sync("undo", null, "--undo", summary.RunId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(undone.ExitCode, Is.EqualTo(0), undone.ToString());
        Assert.That(ActiveMembers(), Is.SupersetOf(day1.Members.Keys), "the deactivated members are enabled again");
        Assert.That(_sandbox.State.Guests.Keys, Is.SupersetOf(day1.Guests), "the removed guests are back");
    }

    [Test]
    public async Task ARosterCutToHalf_AppliesNoLeaver_ButInvitesItsJoiners_Exit5()
    {
        var day1 = Roster(members: 40, guests: 0);
        await Sync("day1", day1.Write(_workspace, "day1.csv"), "--yes");
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:MaxLeavers"] = "1000";
        _settings["Sync:MaxLeaversPercent"] = "100";

        var half = day1.Without(members: 20, guests: 0).WithJoiners(members: 4, guests: 0);
        var result = await Sync("half", half.Write(_workspace, "half.csv"), "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(5), result.ToString());
        Assert.That(ActiveMembers(), Is.SupersetOf(day1.Members.Keys), "nobody was deactivated");
        Assert.That(ActiveMembers(), Is.SupersetOf(half.Members.Keys), "the 4 joiners are invited");
        var leavers = new Reports(Path.Combine(_workspace.Folder, "half")).Results().Where(r => r.Row == 0).ToList();
        Assert.That(leavers.Select(l => l.Outcome), Is.All.EqualTo("held"));
        Assert.That(leavers, Has.Count.EqualTo(20));
        Assert.That(leavers[0].Message, Does.Contain("Sync:MinRosterPercent"));
    }

    [Test]
    public async Task ThirtyLeaversOverACapOfTen_AllHeld_JoinersApplied_Exit5_ThenTheSamePlanWithTheCapRaised_DeactivatesExactlyThem()
    {
        var day1 = Roster(members: 200, guests: 0);
        await Sync("day1", day1.Write(_workspace, "day1.csv"), "--yes");
        _settings["Sync:LeaverGraceRuns"] = "1";
        var day2 = day1.Without(members: 30, guests: 0).WithJoiners(members: 3, guests: 0);
        var rosterFile = day2.Write(_workspace, "day2.csv");

        var capped = await Sync("capped", rosterFile, "--yes");

        Assert.That(capped.ExitCode, Is.EqualTo(5), capped.ToString());
        var results = new Reports(Path.Combine(_workspace.Folder, "capped")).Results();
        Assert.That(results.Count(r => r.Outcome == "held"), Is.EqualTo(30));
        Assert.That(results.Count(r => r.Outcome == "invited"), Is.EqualTo(3));
        Assert.That(ActiveMembers(), Is.SupersetOf(day1.Members.Keys));

        var planJson = Directory.GetFiles(Path.Combine(_workspace.Folder, "capped"), "*.plan.json").Single();
        _settings["Sync:MaxLeavers"] = "30";
        _settings["Sync:MaxLeaversPercent"] = "20";
        var raised = await Sync("raised", null, "--apply", planJson);

        Assert.That(raised.ExitCode, Is.EqualTo(0), raised.ToString());
        var disabled = _sandbox.State.Members.Values.Where(m => m.Fields.GetValueOrDefault("status") == "disabled").Select(m => m.Email);
        Assert.That(disabled, Is.EquivalentTo(day1.LeftIn(day2)));
    }

    [Test]
    public async Task PeopleBulkOnboardDidNotOnboard_AndTheDefaultAdmin_AreNeverTouched()
    {
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:MaxLeaversPercent"] = "100";
        var roster = Roster(members: 10, guests: 0);

        var result = await Sync("day1", roster.Write(_workspace, "day1.csv"), "--yes");
        var again = await Sync("day1b", roster.Without(members: 1, guests: 0).Write(_workspace, "day1b.csv"), "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(_sandbox.State.Members["by.hand@contoso.example"].Fields["status"], Is.EqualTo("active"));
        Assert.That(_sandbox.State.DefaultAdmin!.Fields["status"], Is.EqualTo("active"));
        Assert.That(_sandbox.State.Requests.Where(r => r.Method == "DELETE").Select(r => r.Email), Is.EqualTo(new[] { roster.Members.Keys.First() }),
            "the one leaver BulkOnboard onboarded, nobody else");
    }

    [Test]
    public async Task ApplyAfterTheRosterChanged_Exit1_OneLine_NothingSent()
    {
        var roster = Roster(members: 5, guests: 5);
        var file = roster.Write(_workspace, "r.csv");
        await Sync("plan", file, "--plan");
        var planJson = Directory.GetFiles(Path.Combine(_workspace.Folder, "plan"), "*.plan.json").Single();
        File.AppendAllText(file, "late@contoso.example,Late,Joiner,member,standard\n");
        var before = _sandbox.State.Requests.Count;

        var result = await Sync("apply", null, "--apply", planJson);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.Count.EqualTo(1));
        Assert.That(result.Error, Does.Contain("changed since the plan"));
        Assert.That(_sandbox.State.Requests.Count, Is.EqualTo(before), "nothing sent");
    }

    [Test]
    public async Task ApplyAfterTallyfyChanged_IsRefused_NothingSent()
    {
        var roster = Roster(members: 5, guests: 0);
        var file = roster.Write(_workspace, "r.csv");
        await Sync("day1", file, "--yes");
        var day2 = roster.WithJoiners(members: 1, guests: 0);
        var day2File = day2.Write(_workspace, "r2.csv");
        await Sync("plan", day2File, "--plan");
        var planJson = Directory.GetFiles(Path.Combine(_workspace.Folder, "plan"), "*.plan.json").Single();

        // Someone changes a role by hand in Tallyfy: the plan did not see that coming.
        var someone = _sandbox.State.Members[roster.Members.Keys.First()];
        _sandbox.State.Members[someone.Email] = someone with { Fields = new Dictionary<string, string?>(someone.Fields) { ["role"] = "light" } };
        var writes = _sandbox.State.Requests.Count(r => r.Method != "GET");

        var result = await Sync("apply", null, "--apply", planJson);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("Tallyfy changed since the plan"));
        Assert.That(_sandbox.State.Requests.Count(r => r.Method != "GET"), Is.EqualTo(writes));
    }

    [Test]
    public async Task WatchModeSync_AppliesEachDroppedRoster_WithinTheGuards()
    {
        var inbox = Path.Combine(_workspace.Folder, "inbox");
        Directory.CreateDirectory(inbox);
        _settings["Watch:Mode"] = "sync";
        _settings["Watch:SettleTime"] = "00:00:00";
        var day1 = Roster(members: 20, guests: 0);
        File.Copy(day1.Write(_workspace, "roster.csv"), Path.Combine(inbox, "roster.csv"));

        var first = await CliRun.RunAsync(_settings, "watch", "--inbox", inbox, "--once");
        File.Copy(day1.Without(members: 1, guests: 0).Write(_workspace, "roster2.csv"), Path.Combine(inbox, "roster2.csv"));
        var second = await CliRun.RunAsync(_settings, "watch", "--inbox", inbox, "--once");

        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(ActiveMembers(), Is.SupersetOf(day1.Members.Keys));
        Assert.That(second.ExitCode, Is.EqualTo(5), "the leaver is held by the grace period: " + second);
        Assert.That(Directory.GetFiles(Path.Combine(inbox, "done")), Has.Length.EqualTo(2));
    }

    [Test]
    public async Task WatchMode_NotImportOrSync_StopsWithOneLine()
    {
        _settings["Watch:Mode"] = "mirror";

        var result = await CliRun.RunAsync(_settings, "watch", "--inbox", Path.Combine(_workspace.Folder, "inbox"), "--once");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("Watch:Mode (environment variable Watch__Mode) is 'mirror'; use import or sync"));
    }

    [Test]
    public async Task Groups_FromAColumn_OneWritePerChangedGroup_HandAddedMembersStay_LeaversLeave_UndoPutsThemBack()
    {
        var byHand = long.Parse(_sandbox.State.Members["by.hand@contoso.example"].Id, System.Globalization.CultureInfo.InvariantCulture);
        _sandbox.State.Groups["sales"] = new SandboxGroup("sales", "Sales", "The sales team", [byHand], []);
        _settings["Sync:CreateGroups"] = "true";
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:MaxLeaversPercent"] = "100";
        string Day(Dictionary<string, string> groupsOf) => "Email,First Name,Last Name,Type,Role,Department\n"
            + string.Concat(groupsOf.Select(p => $"{p.Key},First,Last,{(p.Key.StartsWith('g') ? "guest" : "member")},{(p.Key.StartsWith('g') ? "" : "standard")},{p.Value}\n"));
        var day1 = new Dictionary<string, string>
        {
            ["m0@contoso.example"] = "Sales", ["m1@contoso.example"] = "Sales", ["m2@contoso.example"] = "Ops;Sales",
            ["m3@contoso.example"] = "Ops", ["g0@partner.example"] = "Ops", ["m4@contoso.example"] = "",
        };
        var mapping = _workspace.Write("m.json", """{ "columns": { "groups": "Department" } }""");

        var first = await Sync("day1", _workspace.Write("d1.csv", Day(day1)), "--yes", "--mapping", mapping);

        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        long Id(string email) => long.Parse(_sandbox.State.Members[email].Id, System.Globalization.CultureInfo.InvariantCulture);
        var sales = _sandbox.State.GroupNamed("Sales")!;
        var ops = _sandbox.State.GroupNamed("Ops")!;
        Assert.That(sales.Members, Is.EquivalentTo(new[] { byHand, Id("m0@contoso.example"), Id("m1@contoso.example"), Id("m2@contoso.example") }));
        Assert.That((ops.Members, ops.Guests), Is.EqualTo((new[] { Id("m2@contoso.example"), Id("m3@contoso.example") }, new[] { "g0@partner.example" })).Using<(IReadOnlyList<long>, IReadOnlyList<string>)>(
            (a, b) => a.Item1.Order().SequenceEqual(b.Item1.Order()) && a.Item2.SequenceEqual(b.Item2)));
        Assert.That(GroupWrites(), Is.EqualTo(new[] { "POST", "PUT" }).Or.EqualTo(new[] { "PUT", "POST" }), "one write per changed group: Ops created, Sales updated");

        // Day 2: m0 moves from Sales to Ops, m3 leaves; the member added to Sales by hand stays.
        var day2 = new Dictionary<string, string>(day1) { ["m0@contoso.example"] = "Ops" };
        day2.Remove("m3@contoso.example");
        var writesBefore = GroupWrites().Count;
        var second = await Sync("day2", _workspace.Write("d2.csv", Day(day2)), "--yes", "--mapping", mapping);

        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        sales = _sandbox.State.GroupNamed("Sales")!;
        ops = _sandbox.State.GroupNamed("Ops")!;
        Assert.That(sales.Members, Is.EquivalentTo(new[] { byHand, Id("m1@contoso.example"), Id("m2@contoso.example") }));
        Assert.That(ops.Members, Is.EquivalentTo(new[] { Id("m0@contoso.example"), Id("m2@contoso.example") }), "m3 left Ops with the organization");
        Assert.That(_sandbox.State.Members["m3@contoso.example"].Fields["status"], Is.EqualTo("disabled"));
        Assert.That(GroupWrites().Count - writesBefore, Is.EqualTo(2), "Sales and Ops, once each");

        var run = new Reports(Path.Combine(_workspace.Folder, "day2")).Summary.RunId!.Value;
        var undone = await Sync("undo", null, "--undo", run.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(undone.ExitCode, Is.EqualTo(0), undone.ToString());
        Assert.That(_sandbox.State.Members["m3@contoso.example"].Fields["status"], Is.EqualTo("active"));
        Assert.That(_sandbox.State.GroupNamed("Ops")!.Members, Does.Contain(Id("m3@contoso.example")), "undo puts the leaver back in the group");
    }

    [Test]
    public async Task AGroupTallyfyLacks_WithoutCreateGroups_FailsThatRowsGroupPart_ThePersonIsStillInvited()
    {
        var file = _workspace.Write("r.csv", "Email,First Name,Last Name,Type,Role,Groups\nann@contoso.example,Ann,Lee,member,standard,Nowhere\n");

        var result = await Sync("day1", file, "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var line = new Reports(Path.Combine(_workspace.Folder, "day1")).Results().Single();
        Assert.That(line.Outcome, Is.EqualTo("failed"));
        Assert.That(line.Message, Does.StartWith("invited").And.Contain("group Nowhere does not exist in Tallyfy; Sync:CreateGroups=true creates it"));
        Assert.That(_sandbox.State.Members.ContainsKey("ann@contoso.example"), Is.True);
        Assert.That(_sandbox.State.Groups, Is.Empty);
    }

    [Test]
    public async Task Import_WithAGroupsColumn_AddsMemberships_NeverRemoves_AndSaysWhichCouldNotBeAdded()
    {
        var byHand = long.Parse(_sandbox.State.Members["by.hand@contoso.example"].Id, System.Globalization.CultureInfo.InvariantCulture);
        _sandbox.State.Groups["sales"] = new SandboxGroup("sales", "Sales", "The sales team", [byHand], []);
        var file = _workspace.Write("p.csv", "Email,First Name,Last Name,Type,Role,Teams\n"
            + "ann@contoso.example,Ann,Lee,member,standard,Sales\nbob@contoso.example,Bob,Ek,member,standard,Sales;Ops\ngus@partner.example,Gus,Fa,guest,,Sales\n");

        var result = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "out"));

        Assert.That(result.ExitCode, Is.EqualTo(2), "Ops does not exist and Sync:CreateGroups is off: " + result);
        Assert.That(result.Error, Does.Contain("group Ops does not exist in Tallyfy"));
        var sales = _sandbox.State.GroupNamed("Sales")!;
        long Id(string email) => long.Parse(_sandbox.State.Members[email].Id, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(sales.Members, Is.EquivalentTo(new[] { byHand, Id("ann@contoso.example"), Id("bob@contoso.example") }), "added; the hand-added member stays");
        Assert.That(sales.Guests, Is.EqualTo(new[] { "gus@partner.example" }));
        var summary = new Reports(Path.Combine(_workspace.Folder, "out")).Summary;
        Assert.That((summary.GroupMembershipsAdded, summary.GroupMembershipsFailed), Is.EqualTo(((int?)3, (int?)1)));

        _settings["Sync:CreateGroups"] = "true";
        var again = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "again"));

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(_sandbox.State.GroupNamed("Ops")!.Members, Is.EqualTo(new[] { Id("bob@contoso.example") }));
        Assert.That(_sandbox.State.GroupNamed("Sales")!.Members, Has.Count.EqualTo(3), "nothing added twice");
    }

    [Test]
    public async Task AMemberWhoseNameChanged_GetsAProfileUpdate_WithTheRowsTimeZone()
    {
        var header = "Email,First Name,Last Name,Type,Role,Time Zone\n";
        await Sync("day1", _workspace.Write("d1.csv", header + "ann@contoso.example,Ann,Lee,member,standard,Europe/Paris\n"), "--yes");

        var result = await Sync("day2", _workspace.Write("d2.csv", header + "ann@contoso.example,Ann,Smith,member,standard,Europe/Paris\n"), "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var ann = _sandbox.State.Members["ann@contoso.example"].Fields;
        Assert.That((ann["last_name"], ann["timezone"]), Is.EqualTo(("Smith", "Europe/Paris")));
        var line = new Reports(Path.Combine(_workspace.Folder, "day2")).Results().Single();
        Assert.That((line.Outcome, line.Message), Is.EqualTo(("updated", "name Ann Lee -> Ann Smith")));
    }

    [Test]
    public async Task UndoOfARunThatIsNotASync_Exit1_OneLine_LeavesNoRunBehind()
    {
        var roster = Roster(members: 2, guests: 0);
        await CliRun.RunAsync(_settings, "import", roster.Write(_workspace, "p.csv"), "--out", Path.Combine(_workspace.Folder, "import"));

        var result = await Sync("undo", null, "--undo", "1");
        var history = await CliRun.RunAsync(_settings, "history");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Last(), Does.Contain("run 1 is not a sync of this organization"));
        Assert.That(history.Out, Does.Not.Contain("undo-run-1"), history.ToString());
    }

    [Test]
    public async Task TheIssuesFigures_500People6Groups_Day2Has65Changes_ApplyMatchesTheRosterWithOneWritePerChangedGroup()
    {
        string[] teams = ["Sales", "Ops", "Support", "Finance", "Legal", "Design"];
        var people = new Dictionary<string, (string Kind, string Role, string Group)>();
        for (var i = 0; i < 300; i++)
        {
            people[$"m{i}@contoso.example"] = ("member", "standard", teams[i % 6]);
        }

        for (var i = 0; i < 200; i++)
        {
            people[$"g{i}@partner.example"] = ("guest", "", teams[i % 6]);
        }

        string Csv(Dictionary<string, (string Kind, string Role, string Group)> roster) => "Email,First Name,Last Name,Type,Role,Groups\n"
            + string.Concat(roster.Select(p => $"{p.Key},First,Last,{p.Value.Kind},{p.Value.Role},{p.Value.Group}\n"));
        _settings["Sync:CreateGroups"] = "true";
        var day1 = await Sync("day1", _workspace.Write("d1.csv", Csv(people)), "--yes");
        Assert.That(day1.ExitCode, Is.EqualTo(0), day1.ToString());
        Assert.That(_sandbox.State.Members.Keys.Count(k => k.StartsWith('m')), Is.EqualTo(300));
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(200));
        Assert.That(teams.Select(t => _sandbox.State.GroupNamed(t)!.Members.Count + _sandbox.State.GroupNamed(t)!.Guests.Count), Is.All.EqualTo(500 / 6).Or.EqualTo(500 / 6 + 1));

        // Day 2: 20 left, 10 changed role, 30 joined, 5 moved group.
        var day2 = new Dictionary<string, (string Kind, string Role, string Group)>(people);
        foreach (var gone in people.Keys.Where(k => k.StartsWith('m')).Take(12).Concat(people.Keys.Where(k => k.StartsWith('g')).Take(8)))
        {
            day2.Remove(gone);
        }

        foreach (var mover in day2.Keys.Where(k => k.StartsWith('m')).Take(10).ToList())
        {
            day2[mover] = day2[mover] with { Role = "light" };
        }

        foreach (var mover in day2.Keys.Where(k => k.StartsWith('m')).Skip(20).Take(5).ToList())
        {
            day2[mover] = day2[mover] with { Group = day2[mover].Group == "Sales" ? "Ops" : "Sales" };
        }

        for (var i = 0; i < 30; i++)
        {
            day2[$"new{i}@contoso.example"] = ("member", "standard", teams[i % 6]);
        }

        var file = _workspace.Write("d2.csv", Csv(day2));
        var plan = await Sync("day2-plan", file, "--plan");
        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.ToString());
        var lines = PlanLines("day2-plan");
        var changedPeople = lines.Where(l => l.Action is not "unchanged").Select(l => l.Email).Distinct().Count();
        Assert.That(changedPeople, Is.EqualTo(65), "20 leavers (held for grace), 10 role changes, 30 joiners, 5 group moves");
        Assert.That(lines.Count(l => l.Action == "hold"), Is.EqualTo(20));

        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:MaxLeavers"] = "20";
        var writesBefore = GroupWrites().Count;
        var applied = await Sync("day2-apply", null, "--apply", Directory.GetFiles(Path.Combine(_workspace.Folder, "day2-plan"), "*.plan.json").Single());

        Assert.That(applied.ExitCode, Is.EqualTo(0), applied.ToString());
        Assert.That(ActiveMembers(), Is.EquivalentTo(day2.Where(p => p.Value.Kind == "member").Select(p => p.Key).Append("by.hand@contoso.example")), "the members with access are the roster's, and the one invited by hand");
        Assert.That(_sandbox.State.Guests.Keys, Is.EquivalentTo(day2.Where(p => p.Value.Kind == "guest").Select(p => p.Key)));
        foreach (var team in teams)
        {
            var group = _sandbox.State.GroupNamed(team)!;
            var expected = day2.Where(p => p.Value.Group == team).ToList();
            Assert.That(group.Guests, Is.EquivalentTo(expected.Where(p => p.Value.Kind == "guest").Select(p => p.Key)), team);
            Assert.That(group.Members, Is.EquivalentTo(expected.Where(p => p.Value.Kind == "member")
                .Select(p => long.Parse(_sandbox.State.Members[p.Key].Id, System.Globalization.CultureInfo.InvariantCulture))), team);
        }

        Assert.That(GroupWrites().Count - writesBefore, Is.EqualTo(6), "every group changed (leavers, joiners, moves): one write each");

        var run = new Reports(Path.Combine(_workspace.Folder, "day2-apply")).Summary.RunId!.Value;
        var undone = await Sync("undo", null, "--undo", run.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(undone.ExitCode, Is.EqualTo(0), undone.ToString());
        Assert.That(ActiveMembers(), Is.SupersetOf(people.Where(p => p.Value.Kind == "member").Select(p => p.Key)), "day 1's members are back");
        Assert.That(_sandbox.State.Guests.Keys, Is.SupersetOf(people.Where(p => p.Value.Kind == "guest").Select(p => p.Key)), "and its guests");
        var leaver = people.Keys.First(k => k.StartsWith('m'));
        Assert.That(_sandbox.State.GroupNamed(people[leaver].Group)!.Members, Does.Contain(long.Parse(_sandbox.State.Members[leaver].Id, System.Globalization.CultureInfo.InvariantCulture)),
            "a leaver is back in their group");
    }

    private List<string> GroupWrites() =>
        [.. _sandbox.State.Requests.Where(r => r.Path.Contains("/groups", StringComparison.Ordinal) && r.Method != "GET").Select(r => r.Method)];

    /// <summary>Members who have access: active, or invited and not yet accepted; not deactivated.</summary>
    private List<string> ActiveMembers() =>
        [.. _sandbox.State.Members.Values.Where(m => m.Fields.GetValueOrDefault("status") is not "disabled").Select(m => m.Email)];

    private async Task<CliResult> Sync(string outFolder, string? file, params string[] args)
    {
        string[] all = file is null
            ? ["sync", .. args, "--out", Path.Combine(_workspace.Folder, outFolder)]
            : ["sync", file, .. args, "--out", Path.Combine(_workspace.Folder, outFolder)];
        return await CliRun.RunAsync(_settings, all);
    }

    private List<(string Email, string Action, string Detail)> PlanLines(string folder)
    {
        var path = Directory.GetFiles(Path.Combine(_workspace.Folder, folder), "*.plan.json").Single();
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.GetProperty("changes").EnumerateArray().Select(c =>
            (c.GetProperty("email").GetString()!, c.GetProperty("action").GetString()!, c.GetProperty("detail").GetString()!))];
    }

    private static TestRoster Roster(int members, int guests) => new(
        Enumerable.Range(0, members).ToDictionary(i => $"m{i}@contoso.example", _ => "standard"),
        [.. Enumerable.Range(0, guests).Select(i => $"g{i}@partner.example")],
        0);

    /// <summary>A roster: members with their roles, and guests.</summary>
    private sealed record TestRoster(Dictionary<string, string> Members, List<string> Guests, int Joined)
    {
        public int Count => Members.Count + Guests.Count;

        public TestRoster Without(int members, int guests) =>
            new(Members.Skip(members).ToDictionary(), [.. Guests.Skip(guests)], Joined);

        public TestRoster WithRoles(int count, string role) =>
            new(Members.Select((m, i) => (m.Key, i < count ? role : m.Value)).ToDictionary(), Guests, Joined);

        public TestRoster WithJoiners(int members, int guests) =>
            new(Members.Concat(Enumerable.Range(Joined, members).Select(i => KeyValuePair.Create($"new{i}@contoso.example", "standard"))).ToDictionary(),
                [.. Guests, .. Enumerable.Range(Joined, guests).Select(i => $"newguest{i}@partner.example")], Joined + members + guests);

        public IEnumerable<string> LeftIn(TestRoster later) =>
            Members.Keys.Except(later.Members.Keys).Concat(Guests.Except(later.Guests));

        public string Write(Workspace workspace, string name)
        {
            var csv = new StringBuilder("Email,First Name,Last Name,Type,Role\n");
            foreach (var (email, role) in Members)
            {
                csv.Append($"{email},First,Last,member,{role}\n");
            }

            foreach (var email in Guests)
            {
                csv.Append($"{email},Guest,Person,guest,\n");
            }

            return workspace.Write(name, csv.ToString());
        }
    }
}
