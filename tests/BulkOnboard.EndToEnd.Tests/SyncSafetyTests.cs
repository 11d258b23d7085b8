using System.Globalization;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Sync touches only whom it should, judged by what the sandbox holds afterwards: provenance of its own,
/// group writes that never wipe, leaver actions settled after a lost answer, one journal protocol, grace
/// by distinct rosters.
/// </summary>
public class SyncSafetyTests : SyncTestBase
{
    [Test]
    public async Task AGuestBulkOnboardOnlyUpdated_IsNeverItsLeaver_ButOneItCreated_StaysItsOwnAfterForce()
    {
        await _sandbox.DisposeAsync();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { ExistingGuests = ["pre@partner.example"] });
        var journal = _settings["Journal:Path"];
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = journal;
        _settings["Sync:LeaverGracePeriod"] = "00:00:00";
        _settings["Sync:MaxLeaversPercent"] = "100";
        var people = _workspace.Write("p.csv", "Email,First Name,Last Name,Type\npre@partner.example,Pre,Existing,guest\nours@partner.example,Our,Guest,guest\n");

        var updated = await CliRun.RunAsync(_settings, "import", people, "--on-existing", "update", "--out", Path.Combine(_workspace.Folder, "import"));
        var forced = await CliRun.RunAsync(_settings, "import", people, "--force", "--out", Path.Combine(_workspace.Folder, "forced"));

        Assert.That(updated.ExitCode, Is.EqualTo(0), updated.ToString());
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.ToString());
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "forced")).Results().Select(r => r.Reason), Is.All.EqualTo("already_exists"), "--force met both as existing");

        // Two distinct rosters without either guest, with the grace at two rosters and no time.
        var stays = "Email,First Name,Last Name,Type\nother@partner.example,Oth,Er,guest\n";
        var day1 = await Sync("day1", _workspace.Write("d1.csv", stays), "--yes");
        var day2 = await Sync("day2", _workspace.Write("d2.csv", stays + "late@partner.example,La,Te,guest\n"), "--yes");

        Assert.That(day1.ExitCode, Is.EqualTo(5), "ours@ is held for grace on day 1: " + day1);
        Assert.That(day2.ExitCode, Is.EqualTo(0), day2.ToString());
        Assert.That(_sandbox.State.Guests.ContainsKey("pre@partner.example"), Is.True, "BulkOnboard only updated this guest: never its leaver");
        Assert.That(_sandbox.State.Guests.ContainsKey("ours@partner.example"), Is.False, "BulkOnboard created this guest: --force did not take that away");
        var leftAlone = PlanLines("day2").Single(l => l.Email == "pre@partner.example");
        Assert.That(leftAlone.Action, Is.EqualTo("unchanged"));
        Assert.That(leftAlone.Detail, Does.Contain("did not create or invite"));
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "day2")).Results().Select(r => r.Email), Does.Not.Contain("pre@partner.example"), "results list roster rows and leavers only");

        var history = await CliRun.RunAsync(_settings, "history", "--email", "ours@partner.example");
        Assert.That(history.Out, Does.Contain("onboarded by BulkOnboard"), history.ToString());
    }

    [TestCase("asked")]
    [TestCase("read-only")]
    public async Task AGroupOfTwelveByHand_GainsTwo_AndKeepsEveryone_AlsoOneAddedByHandDuringTheApply(string groupLists)
    {
        await _sandbox.DisposeAsync();
        var byHand = Enumerable.Range(0, 12).Select(i => $"hand{i}@contoso.example").ToList();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { ExistingMembers = [.. byHand, "latecomer@contoso.example"], GroupLists = groupLists, Latency = TimeSpan.FromMilliseconds(30) });
        var journal = _settings["Journal:Path"];
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = journal;
        long Id(string email) => long.Parse(_sandbox.State.Members[email].Id, CultureInfo.InvariantCulture);
        _sandbox.State.Groups["team"] = new SandboxGroup("team", "Team", "by hand", [.. byHand.Take(10).Select(Id)], ["g0@partner.example", "g1@partner.example"]);
        var roster = _workspace.Write("r.csv", "Email,First Name,Last Name,Type,Role,Groups\n"
            + string.Concat(Enumerable.Range(0, 20).Select(i => $"new{i}@contoso.example,New,Person,member,standard,{(i < 2 ? "Team" : "")}\n")));

        // Someone adds a member to the group by hand while the invites go out.
        var addedByHand = Task.Run(async () =>
        {
            while (_sandbox.State.Requests.Count(r => r.Path.EndsWith("/invite", StringComparison.Ordinal)) < 5)
            {
                await Task.Delay(5);
            }

            var team = _sandbox.State.Groups["team"];
            _sandbox.State.Groups["team"] = team with { Members = [.. team.Members, Id("latecomer@contoso.example")] };
        });
        var result = await Sync("out", roster, "--yes");
        await addedByHand;

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var group = _sandbox.State.Groups["team"];
        Assert.That(group.Members, Is.EquivalentTo(byHand.Take(10).Append("latecomer@contoso.example").Append("new0@contoso.example").Append("new1@contoso.example").Select(Id)));
        Assert.That(group.Guests, Is.EquivalentTo(new[] { "g0@partner.example", "g1@partner.example" }), "12 by hand + the latecomer + 2 new");
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "out")).Summary.GroupMembershipsAdded, Is.EqualTo(2));
    }

    [Test]
    public async Task AGroupWhoseListsTallyfyNeverShows_IsNeverWritten()
    {
        await _sandbox.DisposeAsync();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { ExistingMembers = ["hand@contoso.example"], GroupLists = "never" });
        var journal = _settings["Journal:Path"];
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = journal;
        var hand = long.Parse(_sandbox.State.Members["hand@contoso.example"].Id, CultureInfo.InvariantCulture);
        _sandbox.State.Groups["team"] = new SandboxGroup("team", "Team", "by hand", [hand], []);

        var result = await Sync("out", _workspace.Write("r.csv", "Email,First Name,Last Name,Type,Role,Groups\nann@contoso.example,Ann,Lee,member,standard,Team\n"), "--yes");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(_sandbox.State.Groups["team"].Members, Is.EqualTo(new[] { hand }), "not wiped");
        Assert.That(GroupWrites(), Is.Empty);
        var reports = new Reports(Path.Combine(_workspace.Folder, "out"));
        Assert.That(reports.Results().Single().Outcome, Is.EqualTo("invited"));
        Assert.That(reports.Results().Single().Message, Does.Contain("did not show its member and guest lists"));
        Assert.That(reports.Summary.GroupMembershipsFailed, Is.EqualTo(1));
    }

    [Test]
    public async Task TwoHundredLeavers_WithAThirdOfTheirAnswersLost_AreReportedAsTallyfyHoldsThem_AndUndoRestoresAllWithTheirGroups()
    {
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:MaxLeavers"] = "1000";
        _settings["Sync:MaxLeaversPercent"] = "100";
        _settings["Sync:MinRosterPercent"] = "0";
        _settings["Sync:CreateGroups"] = "true";
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Role,Groups\nstay@contoso.example,Stay,Here,member,standard,\n");
        for (var i = 0; i < 100; i++)
        {
            csv.Append($"m{i}@contoso.example,Mem,Ber,member,standard,Team\ng{i}@partner.example,Gue,St,guest,,Team\n");
        }

        var day1 = await Sync("day1", _workspace.Write("d1.csv", csv.ToString()), "--yes");
        Assert.That(day1.ExitCode, Is.EqualTo(0), day1.ToString());
        Assert.That(_sandbox.State.GroupNamed("Team")!.Members.Count + _sandbox.State.GroupNamed("Team")!.Guests.Count, Is.EqualTo(200));

        _sandbox.Options.LostResponseRate = 0.3;
        var day2 = await Sync("day2", _workspace.Write("d2.csv", "Email,First Name,Last Name,Type,Role\nstay@contoso.example,Stay,Here,member,standard\n"), "--yes");

        Assert.That(day2.ExitCode, Is.EqualTo(0), day2.ToString());
        var leavers = new Reports(Path.Combine(_workspace.Folder, "day2")).Results().Where(r => r.Row == 0).ToList();
        Assert.That(leavers, Has.Count.EqualTo(200));
        Assert.That(_sandbox.State.Requests.Count(r => r.Method == "DELETE" && r.Status == 0 || r.Method == "DELETE" && r.Status == 502), Is.GreaterThan(20), "answers were lost");
        foreach (var leaver in leavers)
        {
            var held = leaver.Kind == "member" ? _sandbox.State.Members[leaver.Email].Fields["status"] == "disabled" : !_sandbox.State.Guests.ContainsKey(leaver.Email);
            Assert.That((leaver.Outcome, held), Is.EqualTo((leaver.Kind == "member" ? "deactivated" : "removed", true)), $"{leaver.Email}: {leaver.Message}");
        }

        var run = new Reports(Path.Combine(_workspace.Folder, "day2")).Summary.RunId!.Value;
        var undone = await Sync("undo", null, "--undo", run.ToString(CultureInfo.InvariantCulture));

        Assert.That(undone.ExitCode, Is.EqualTo(0), undone.ToString());
        Assert.That(ActiveMembers(), Is.SupersetOf(Enumerable.Range(0, 100).Select(i => $"m{i}@contoso.example")));
        Assert.That(_sandbox.State.Guests.Keys, Is.SupersetOf(Enumerable.Range(0, 100).Select(i => $"g{i}@partner.example")));
        var team = _sandbox.State.GroupNamed("Team")!;
        Assert.That(team.Members.Count + team.Guests.Count, Is.EqualTo(200), "everyone back in the group Tallyfy's deactivation (and the leavers' removal) emptied");
    }

    [Test]
    public async Task AJournalLockedMidSync_StopsSendingAtOnce_KeepsEveryTrueOutcome_AndTheReRunSendsNobodyTwice()
    {
        await _sandbox.DisposeAsync();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Latency = TimeSpan.FromMilliseconds(20) });
        var journalPath = _settings["Journal:Path"]!;
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = journalPath;
        _settings["Journal:BusyTimeout"] = "00:00:01";
        _settings["Delivery:MaxConcurrency"] = "2";
        var roster = _workspace.Write("r.csv", "Email,First Name,Last Name,Type,Role\n"
            + string.Concat(Enumerable.Range(0, 60).Select(i => $"p{i}@contoso.example,Pe,Ople,member,standard\n")));

        // Another process takes the journal's write lock after the tenth invite.
        using var locker = new SqliteConnection($"Data Source={journalPath};Pooling=False");
        var locked = Task.Run(async () =>
        {
            while (_sandbox.State.Requests.Count(r => r.Path.EndsWith("/invite", StringComparison.Ordinal)) < 10)
            {
                await Task.Delay(2);
            }

            locker.Open();
            using var begin = locker.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
        });
        var result = await Sync("out", roster, "--yes");
        await locked;
        using (var rollback = locker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        // The run's process would now have exited, and the next run would take over its lock from a holder
        // that is gone; in-process runs share one PID, so the lock row is removed here instead.
        using (var unlock = locker.CreateCommand())
        {
            unlock.CommandText = "DELETE FROM run_lock;";
            unlock.ExecuteNonQuery();
        }

        locker.Close();
        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        var lines = new Reports(Path.Combine(_workspace.Folder, "out")).Results();
        var invited = _sandbox.State.Members.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.That(invited, Has.Count.InRange(10, 40), "sending stopped soon after the journal went");
        Assert.That(lines.Where(l => l.Outcome == "invited").Select(l => l.Email), Is.EquivalentTo(invited), "every invite that happened is reported invited");
        Assert.That(lines.Where(l => l.Outcome != "invited").Select(l => l.Outcome), Is.All.EqualTo("not_attempted"));

        var again = await Sync("again", roster, "--yes");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(_sandbox.State.Members, Has.Count.EqualTo(60));
        Assert.That(Enumerable.Range(0, 60).Select(i => _sandbox.State.WritesFor($"p{i}@contoso.example")), Is.All.EqualTo(1), "nobody invited twice");
    }

    [Test]
    public async Task TheSameRosterDroppedTwice_NeverCompletesALeaversGrace_ADistinctOneDoes_AndTimeMustPassToo()
    {
        _settings["Sync:MaxLeaversPercent"] = "100";
        var header = "Email,First Name,Last Name,Type,Role\n";
        var everyone = header + string.Concat(Enumerable.Range(0, 5).Select(i => $"p{i}@contoso.example,Pe,Ople,member,standard\n"));
        var withoutP4 = header + string.Concat(Enumerable.Range(0, 4).Select(i => $"p{i}@contoso.example,Pe,Ople,member,standard\n"));
        Assert.That((await Sync("day0", _workspace.Write("d0.csv", everyone), "--yes")).ExitCode, Is.EqualTo(0));

        var first = await Sync("first", _workspace.Write("a.csv", withoutP4), "--yes");
        var again = await Sync("again", _workspace.Write("b.csv", withoutP4), "--yes");

        Assert.That((first.ExitCode, again.ExitCode), Is.EqualTo((5, 5)), again.ToString());
        Assert.That(LeaverLine("again").Message, Does.Contain("missing from 1 of the 2"), "the same roster (same SHA-256) counts once");

        // A distinct roster, but with the default grace period: missing for minutes, not a day.
        _settings.Remove("Sync:LeaverGracePeriod");
        var distinct = await Sync("distinct", _workspace.Write("c.csv", withoutP4 + "joiner@contoso.example,Jo,Iner,member,standard\n"), "--yes");
        Assert.That(distinct.ExitCode, Is.EqualTo(5), distinct.ToString());
        Assert.That(LeaverLine("distinct").Message, Does.Contain("Sync:LeaverGracePeriod"));
        Assert.That(ActiveMembers(), Does.Contain("p4@contoso.example"));

        // A day later (the journal's clock moved back a day), the same roster lets them go.
        using (var connection = new SqliteConnection($"Data Source={_settings["Journal:Path"]};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE sync_absences SET since = $since;";
            command.Parameters.AddWithValue("$since", DateTimeOffset.Now.AddDays(-1).AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
        }

        var dayLater = await Sync("later", _workspace.Write("c2.csv", withoutP4 + "joiner@contoso.example,Jo,Iner,member,standard\n"), "--yes");
        Assert.That(dayLater.ExitCode, Is.EqualTo(0), dayLater.ToString());
        Assert.That(LeaverLine("later").Outcome, Is.EqualTo("deactivated"));
    }

    private ResultLine LeaverLine(string folder) => new Reports(Path.Combine(_workspace.Folder, folder)).Results().Single(r => r.Row == 0);
}
