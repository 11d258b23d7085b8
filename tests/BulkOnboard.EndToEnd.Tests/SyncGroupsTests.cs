using System.Text;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Sync and import with a groups column: memberships added, removed only where BulkOnboard added them, one write per group.</summary>
public class SyncGroupsTests : SyncTestBase
{
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
        // A report folder that cannot be written: one line, exit 1, not one request (not even the listing).
        var requestsBefore = _sandbox.State.Requests.Count;
        var notAFolder = _workspace.Write("not-a-folder", "x");
        var unwritable = await CliRun.RunAsync(_settings, "sync", "--undo", run.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", Path.Combine(notAFolder, "reports"));
        Assert.That(unwritable.ExitCode, Is.EqualTo(1), unwritable.ToString());
        Assert.That(_sandbox.State.Requests.Count - requestsBefore, Is.EqualTo(0));
        Assert.That(_sandbox.State.Members["m3@contoso.example"].Fields["status"], Is.EqualTo("disabled"));

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

        Assert.That(result.ExitCode, Is.EqualTo(2), "a membership failed: " + result);
        var reports = new Reports(Path.Combine(_workspace.Folder, "day1"));
        var line = reports.Results().Single();
        Assert.That(line.Outcome, Is.EqualTo("invited"), "the person's outcome is what Tallyfy holds for them");
        Assert.That(line.Message, Does.Contain("group Nowhere does not exist in Tallyfy; Sync:CreateGroups=true creates it"));
        Assert.That(reports.Summary.Invited, Is.EqualTo(1));
        Assert.That(reports.Summary.Failed, Is.EqualTo(0));
        Assert.That(reports.Summary.GroupMembershipsFailed, Is.EqualTo(1));
        Assert.That(File.ReadAllLines(reports.FailedPath).Skip(1), Is.Empty, "nobody to feed back: ann is in Tallyfy");
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
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:MaxLeavers"] = "20";
        var plan = await Sync("day2-plan", file, "--plan");
        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.ToString());
        var lines = PlanLines("day2-plan");
        var changedPeople = lines.Where(l => l.Action is not "unchanged").Select(l => l.Email).Distinct().Count();
        Assert.That(changedPeople, Is.EqualTo(65), "20 leavers, 10 role changes, 30 joiners, 5 group moves");
        Assert.That(lines.Count(l => l.Action is "deactivate" or "remove"), Is.EqualTo(20), "the apply carries out exactly the plan: its leavers are planned to go");

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
}
