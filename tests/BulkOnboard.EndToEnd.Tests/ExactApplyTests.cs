using System.Globalization;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// <c>sync --apply</c> carries out exactly the approved plan (PRODUCT.md, "One way to change Tallyfy"); and a
/// roster row that names a person, however badly, never makes them a leaver. Every figure from the sandbox.
/// </summary>
public class ExactApplyTests : SyncTestBase
{
    [Test]
    public async Task APlanMadeWithAMapping_AppliedWithTheCommandItsHintPrints_MakesEveryRoleChange()
    {
        var mapping = _workspace.Write("m.yaml", "columns:\n  role: Management Level\nvalues:\n  role:\n    Manager: admin\n    Individual Contributor: standard\n");
        var day1 = Csv(Enumerable.Range(0, 30).Select(i => ($"m{i}@contoso.example", "Individual Contributor")));
        Assert.That((await Sync("day1", _workspace.Write("d1.csv", day1), "--yes", "--mapping", mapping)).ExitCode, Is.EqualTo(0));
        var day2 = Csv(Enumerable.Range(0, 30).Select(i => ($"m{i}@contoso.example", i < 28 ? "Manager" : "Individual Contributor")));

        var planned = await Sync("plan", _workspace.Write("d2.csv", day2), "--plan", "--mapping", mapping);
        Assert.That(planned.ExitCode, Is.EqualTo(0), planned.ToString());
        Assert.That(PlanLines("plan").Count(l => l.Action == "update_role"), Is.EqualTo(28));
        var hint = planned.Out.Split('\n').Single(l => l.Contains("To apply:", StringComparison.Ordinal));
        var planJson = hint[(hint.IndexOf("--apply ", StringComparison.Ordinal) + "--apply ".Length)..].Trim();

        var applied = await Sync("apply", null, "--apply", planJson);

        Assert.That(applied.ExitCode, Is.EqualTo(0), applied.ToString());
        Assert.That(Enumerable.Range(0, 28).Select(i => _sandbox.State.Members[$"m{i}@contoso.example"].Fields["role"]), Is.All.EqualTo("admin"), "read with the plan's mapping");
        Assert.That(applied.Out, Does.Not.Contain("--undo"), "nobody was taken away: no undo hint");

        // Another mapping, or the plan's mapping changed since: refused with one line, nothing sent.
        var other = _workspace.Write("other.yaml", "columns:\n  role: Management Level\n");
        var before = _sandbox.State.Requests.Count(r => r.Method != "GET");
        var refused = await Sync("refused", null, "--apply", planJson, "--mapping", other);
        File.AppendAllText(mapping, "# edited\n");
        var changed = await Sync("changed", null, "--apply", planJson);
        Assert.That((refused.ExitCode, changed.ExitCode), Is.EqualTo((1, 1)), refused + "\n" + changed);
        Assert.That(refused.ErrorLines, Has.Some.Contain("was made with the mapping"));
        Assert.That(changed.ErrorLines, Has.Some.Contain("is gone or changed since"));
        Assert.That(_sandbox.State.Requests.Count(r => r.Method != "GET"), Is.EqualTo(before));
    }

    [Test]
    public async Task ALeaverHeldForGraceInThePlan_AppliedAfterTheGraceHasPassed_StaysActive_AndIsReportedHeld()
    {
        _settings["Sync:LeaverGracePeriod"] = "1.00:00:00";
        _settings["Sync:LeaverGraceRuns"] = "1";
        var day1 = Roster(members: 20, guests: 0);
        Assert.That((await Sync("day1", day1.Write(_workspace, "d1.csv"), "--yes")).ExitCode, Is.EqualTo(0));
        var day2 = day1.Without(members: 1, guests: 0).Write(_workspace, "d2.csv");
        Assert.That((await Sync("day2", day2, "--yes")).ExitCode, Is.EqualTo(5), "missing since now: held for Sync:LeaverGracePeriod");
        var planned = await Sync("plan", day2, "--plan");
        Assert.That(PlanLines("plan").Single(l => l.Email == "m0@contoso.example").Action, Is.EqualTo("hold"), planned.ToString());

        // A day and more later (the journal's clock moves back instead), the guard has lifted: the plan still holds them.
        MoveAbsencesBack(TimeSpan.FromDays(2));
        var applied = await Sync("apply", null, "--apply", PlanJson("plan"));

        Assert.That(applied.ExitCode, Is.EqualTo(5), applied.ToString());
        Assert.That(ActiveMembers(), Does.Contain("m0@contoso.example"));
        var line = new Reports(Path.Combine(_workspace.Folder, "apply")).Results().Single(r => r.Row == 0);
        Assert.That((line.Outcome, line.Message), Is.EqualTo(("held", line.Message)));
        Assert.That(line.Message, Does.Contain("held in the approved plan"));
        Assert.That(_sandbox.State.Requests.Where(r => r.Method == "DELETE"), Is.Empty);
    }

    [Test]
    public async Task FifteenHeldLeavers_FiveDeactivatedByHand_ThenTheApply_DeactivatesNobodyElse()
    {
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:MaxLeaversPercent"] = "100";
        var day1 = Roster(members: 100, guests: 0);
        Assert.That((await Sync("day1", day1.Write(_workspace, "d1.csv"), "--yes")).ExitCode, Is.EqualTo(0));
        var day2 = day1.Without(members: 15, guests: 0);
        var planned = await Sync("plan", day2.Write(_workspace, "d2.csv"), "--plan");
        Assert.That(PlanLines("plan").Count(l => l.Action == "hold" && l.Detail.Contains("Sync:MaxLeavers", StringComparison.Ordinal)), Is.EqualTo(15), planned.ToString());

        var byHand = day1.LeftIn(day2).Take(5).ToList();
        foreach (var email in byHand)
        {
            var member = _sandbox.State.Members[email];
            _sandbox.State.Members[email] = member with { Fields = new Dictionary<string, string?>(member.Fields) { ["status"] = "disabled" } };
        }

        var applied = await Sync("apply", null, "--apply", PlanJson("plan"));

        Assert.That(applied.ExitCode, Is.EqualTo(5), applied.ToString());
        Assert.That(_sandbox.State.Requests.Where(r => r.Method == "DELETE"), Is.Empty, "the 10 left are under the cap now, but the plan held them");
        Assert.That(ActiveMembers().Intersect(day1.LeftIn(day2)).Count(), Is.EqualTo(10));
        var leavers = new Reports(Path.Combine(_workspace.Folder, "apply")).Results().Where(r => r.Row == 0).ToList();
        Assert.That(leavers.Count(r => r.Outcome == "held"), Is.EqualTo(10));
    }

    [Test]
    public async Task RosterRowsWithAZeroWidthSpace_OrTheMembersDomainInUnicode_DeactivateNobody_PastGrace()
    {
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:MaxLeaversPercent"] = "100";
        var people = "Email,First Name,Last Name,Type,Role\nemp7@example.com,Emp,Seven,member,standard\nuser@xn--bcher-kva.example,Uni,Code,member,standard\nstays@example.com,St,Ays,member,standard\n";
        Assert.That((await Sync("day1", _workspace.Write("d1.csv", people), "--yes")).ExitCode, Is.EqualTo(0));
        var badly = "Email,First Name,Last Name,Type,Role\nemp7@example.com\u200B,Emp,Seven,member,standard\nuser@bücher.example,Uni,Code,member,standard\nstays@example.com,St,Ays,member,standard\n";

        var first = await Sync("bad1", _workspace.Write("d2.csv", badly), "--yes");
        var second = await Sync("bad2", _workspace.Write("d3.csv", badly + "new@example.com,N,Ew,member,standard\n"), "--yes");

        Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((2, 2)), first + "\n" + second);
        Assert.That(_sandbox.State.Requests.Where(r => r.Method == "DELETE"), Is.Empty);
        Assert.That(ActiveMembers(), Is.SupersetOf(new[] { "emp7@example.com", "user@xn--bcher-kva.example" }));
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "bad2")).Results().Where(r => r.Row == 0), Is.Empty, "no leaver lines");
    }

    [Test]
    public async Task FifteenEndDatesInTwoDays_AreHeldWhenScheduled_Exit5_AndNobodyGoesWhenTheyComeDue()
    {
        _settings["Dates:DefaultTimeZone"] = "UTC";
        var people = Enumerable.Range(0, 100).Select(i => $"m{i}@contoso.example").ToList();
        string Roster(Func<int, string> end) => "Email,First Name,Last Name,Type,Role,End Date\n"
            + string.Concat(people.Select((p, i) => $"{p},F,L,member,standard,{end(i)}\n"));
        Assert.That((await Sync("day1", _workspace.Write("d1.csv", Roster(_ => string.Empty)), "--yes")).ExitCode, Is.EqualTo(0));

        var inTwoDays = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var scheduled = await Sync("dated", _workspace.Write("d2.csv", Roster(i => i < 15 ? inTwoDays : string.Empty)), "--yes");

        Assert.That(scheduled.ExitCode, Is.EqualTo(5), scheduled.ToString());
        var rows = PlanLines("dated").Where(l => l.Detail.Contains("held when it comes due", StringComparison.Ordinal)).ToList();
        Assert.That(rows.Select(l => l.Action).ToList(), Has.Count.EqualTo(15).And.All.EqualTo("unchanged"), "a current employee's row keeps its own change");
        var held = new Reports(Path.Combine(_workspace.Folder, "dated")).Results().Where(r => r.Row == 0).ToList();
        Assert.That(held.Select(r => r.Outcome).ToList(), Has.Count.EqualTo(15).And.All.EqualTo("held"));
        Assert.That(held.Select(r => r.Message), Is.All.Contain("Sync:MaxLeavers (10) allows in 24 hours").And.All.Contain("scheduled deactivate due"));

        // They come due (the journal's due times move back instead of the clock moving on): still held, reported once.
        using (var connection = new SqliteConnection($"Data Source={_settings["Journal:Path"]};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE due_actions SET due_at = $past WHERE state = 'pending';";
            command.Parameters.AddWithValue("$past", DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
        }

        var first = await CliRun.RunAsync(_settings, "due", "--out", Path.Combine(_workspace.Folder, "due1"));
        var second = await CliRun.RunAsync(_settings, "due", "--out", Path.Combine(_workspace.Folder, "due2"));

        Assert.That(_sandbox.State.Requests.Where(r => r.Method == "DELETE"), Is.Empty);
        Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((0, 0)), "parked when scheduled, with the same guard: not reported again\n" + first + second);
        Assert.That(Directory.Exists(Path.Combine(_workspace.Folder, "due2")) ? Directory.GetFiles(Path.Combine(_workspace.Folder, "due2")) : [], Is.Empty);
    }

    [Test]
    public async Task AnImportWhoseEndCarriesOutFiveDatedDeactivations_ReportsThemAsItsOwnLines_AndCountsThem()
    {
        _settings["Dates:DefaultTimeZone"] = "UTC";
        var clock = new ShiftedClock();
        var inTwoDays = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var roster = "Email,First Name,Last Name,Type,Role,End Date\n"
            + string.Concat(Enumerable.Range(0, 100).Select(i => $"m{i}@contoso.example,F,L,member,standard,{(i < 5 ? inTwoDays : string.Empty)}\n"));
        Assert.That((await CliRun.RunAtAsync(clock, _settings, "sync", _workspace.Write("r.csv", roster), "--yes", "--out", Path.Combine(_workspace.Folder, "sync"))).ExitCode, Is.EqualTo(0));

        clock.Advance(TimeSpan.FromDays(4));
        var import = await CliRun.RunAtAsync(clock, _settings, "import", _workspace.Write("new.csv", "Email,First Name,Last Name,Type,Role\nnew@contoso.example,N,Ew,member,standard\n"),
            "--out", Path.Combine(_workspace.Folder, "import"));

        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString());
        var reports = new Reports(Path.Combine(_workspace.Folder, "import"));
        var dated = reports.Results().Where(r => r.Row == 0).ToList();
        Assert.That(dated.Select(r => (r.Email, r.Outcome)), Is.EquivalentTo(Enumerable.Range(0, 5).Select(i => ($"m{i}@contoso.example", "deactivated"))));
        Assert.That(reports.Summary.Deactivated ?? 0, Is.EqualTo(5), "counted in the import's own summary");
        Assert.That(_sandbox.State.Requests.Count(r => r.Method == "DELETE"), Is.EqualTo(5));
    }

    private static string Csv(IEnumerable<(string Email, string Level)> people)
    {
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Management Level\n");
        foreach (var (email, level) in people)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{email},First,Last,member,{level}\n");
        }

        return csv.ToString();
    }

    private string PlanJson(string folder) => Directory.GetFiles(Path.Combine(_workspace.Folder, folder), "*.plan.json").Single();

    private void MoveAbsencesBack(TimeSpan by)
    {
        using var connection = new SqliteConnection($"Data Source={_settings["Journal:Path"]};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, email, since FROM sync_absences;";
        var rows = new List<(string, string, string)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (kind, email, since) in rows)
        {
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE sync_absences SET since = $since WHERE kind = $kind AND email = $email;";
            update.Parameters.AddWithValue("$since", DateTimeOffset.Parse(since, CultureInfo.InvariantCulture).Subtract(by).ToString("O", CultureInfo.InvariantCulture));
            update.Parameters.AddWithValue("$kind", kind);
            update.Parameters.AddWithValue("$email", email);
            update.ExecuteNonQuery();
        }
    }
}
