using System.Text;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary><c>bulkonboard sync</c>: joiners, movers and leavers against the sandbox, every figure from its own state.</summary>
public class SyncTests : SyncTestBase
{
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
        var planFolder = Path.Combine(_workspace.Folder, "day2-plan");
        Assert.That(File.ReadAllBytes(Directory.GetFiles(planFolder, "*.plan.csv").Single())[..3], Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "plan.csv opens in Excel as UTF-8");
        Assert.That(Directory.GetFiles(planFolder, "*.results.xlsx"), Is.Empty, "a plan has no results");
        Assert.That(_sandbox.State.Requests.Skip(requestsBefore).Select(r => r.Method), Is.All.EqualTo("GET"), "a plan sends nothing");

        // Applied as approved: joiners and movers go, the held leavers stay held.
        var planJson = Directory.GetFiles(Path.Combine(_workspace.Folder, "day2-plan"), "*.plan.json").Single();
        var asApproved = await Sync("day2-as-approved", null, "--apply", planJson);
        Assert.That(asApproved.ExitCode, Is.EqualTo(5), asApproved.ToString());
        Assert.That(ActiveMembers(), Is.SupersetOf(day1.Members.Keys), "nobody the plan held was deactivated");
        Assert.That(_sandbox.State.Guests.Keys, Is.SupersetOf(day1.Guests));
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "day2-as-approved")).Results().Where(r => r.Row == 0).Select(r => r.Outcome), Is.All.EqualTo("held"));
        Assert.That(asApproved.Out, Does.Not.Contain("--undo"), "no undo hint when nobody was taken away");

        // The same plan under other settings is refused: the guards it was judged by are part of what was approved.
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:MaxLeaversPercent"] = "10";
        var refused = await Sync("day2-refused", null, "--apply", planJson);
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString());
        Assert.That(refused.Error + refused.Out, Does.Contain("Sync:LeaverGraceRuns"));

        // A new plan under the new settings, approved and applied: the leavers go.
        Assert.That((await Sync("day2-replan", rosterFile, "--plan")).ExitCode, Is.EqualTo(0));
        var applied = await Sync("day2-apply", null, "--apply", Directory.GetFiles(Path.Combine(_workspace.Folder, "day2-replan"), "*.plan.json").Single());

        Assert.That(applied.ExitCode, Is.EqualTo(0), applied.ToString());
        Assert.That(ActiveMembers(), Is.EquivalentTo(day2.Members.Keys.Append("by.hand@contoso.example")), "the members Tallyfy holds active are the roster's, and the one invited by hand");
        Assert.That(_sandbox.State.Guests.Keys, Is.EquivalentTo(day2.Guests));
        Assert.That(day2.Members.Select(m => _sandbox.State.Members[m.Key].Fields["role"]), Is.EqualTo(day2.Members.Values));
        Assert.That(_sandbox.State.DefaultAdmin!.Fields["status"], Is.EqualTo("active"));
        var results = new Reports(Path.Combine(_workspace.Folder, "day2-apply")).Results();
        Assert.That(results.Where(r => r.Row > 0).Select(r => r.Row), Is.EqualTo(Enumerable.Range(2, day2.Count)), "every roster row once");
        Assert.That(results.Where(r => r.Row == 0).Select(r => (r.Email, r.Outcome)),
            Is.EquivalentTo(day1.LeftIn(day2).Select(e => (e, day1.Guests.Contains(e) ? "removed" : "deactivated"))), "then one line per leaver");
        Assert.That(results.Where(r => r.Row == 0).Select(r => (r.FirstName, r.LastName)).Distinct(), Is.EquivalentTo(new[] { ("First", "Last"), ("Guest", "Person") }),
            "a leaver's line carries the names Tallyfy listed");
        using (var workbook = new BulkOnboard.Tests.Support.WorkbookReadBack(new Reports(Path.Combine(_workspace.Folder, "day2-apply")).WorkbookPath))
        {
            Assert.That(workbook.Rows("results"), Has.Count.EqualTo(results.Count + 1), "results.xlsx for a sync too");
        }

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
        var undoReports = new Reports(Path.Combine(_workspace.Folder, "undo"));
        Assert.That(undoReports.Results().Select(r => (r.FirstName, r.LastName)).Distinct(), Is.EquivalentTo(new[] { ("First", "Last"), ("Guest", "Person") }),
            "an undone leaver's line has the names of the journal's snapshot");
        Assert.That(File.Exists(undoReports.WorkbookPath), Is.True, "undo writes results.xlsx too");
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
    public async Task ThirtyLeaversOverACapOfTen_AllHeld_JoinersApplied_Exit5_TheHeldPlanStaysHeld_ANewPlanWithTheCapRaised_DeactivatesExactlyThem()
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

        // The held plan applied again stays held; a new plan with the cap raised, applied, deactivates exactly them.
        var planJson = Directory.GetFiles(Path.Combine(_workspace.Folder, "capped"), "*.plan.json").Single();
        var again = await Sync("again", null, "--apply", planJson);
        Assert.That(again.ExitCode, Is.EqualTo(5), again.ToString());
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "again")).Results().Where(r => r.Outcome == "held").Select(r => r.Message).ToList(), Has.Count.EqualTo(30).And.All.Contain("held"));
        Assert.That(ActiveMembers(), Is.SupersetOf(day1.Members.Keys));
        _settings["Sync:MaxLeavers"] = "30";
        _settings["Sync:MaxLeaversPercent"] = "20";
        Assert.That((await Sync("raised-plan", rosterFile, "--plan")).ExitCode, Is.EqualTo(0));
        var raised = await Sync("raised", null, "--apply", Directory.GetFiles(Path.Combine(_workspace.Folder, "raised-plan"), "*.plan.json").Single());

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
}
