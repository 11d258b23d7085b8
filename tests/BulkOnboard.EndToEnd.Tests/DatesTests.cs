using System.Globalization;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Start and end dates, relative to today: hires invited when near, leavers by date, nothing sent before its time.</summary>
public class DatesTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        _settings["Dates:DefaultTimeZone"] = "Pacific/Kiritimati";
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task Import_InvitesOnlyTheHiresWithinTheLeadTime_SchedulesTheRest_NeverSendsTheEnded_AndARerunSendsNothing()
    {
        var file = _workspace.Write("hires.csv", Hires());

        var first = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "first"));

        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        var lines = new Reports(Path.Combine(_workspace.Folder, "first")).Results().ToDictionary(l => l.Email);
        Assert.That(_sandbox.State.Members.Keys, Is.EquivalentTo(new[] { "soon@contoso.example", "started@contoso.example", "undated@contoso.example" }));
        Assert.That(_sandbox.State.Guests, Is.Empty, "the contractor starts in 30 days");
        Assert.That((lines["later@contoso.example"].Outcome, lines["later@contoso.example"].Reason), Is.EqualTo(("scheduled", "starts_later")));
        Assert.That(lines["later@contoso.example"].Message, Does.Contain($"invite due {Day(23)} 00:00 Pacific/Kiritimati"));
        Assert.That(lines["contractor@partner.example"].Message, Does.Contain($"create due {Day(23)} 00:00 Pacific/Kiritimati"));
        Assert.That((lines["gone@contoso.example"].Outcome, lines["gone@contoso.example"].Reason), Is.EqualTo(("skipped", "ended")));
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "first")).Summary.Scheduled, Is.EqualTo(2));

        var before = _sandbox.State.Requests.Count;
        var again = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "again"));
        var due = await CliRun.RunAsync(_settings, "due", "--out", Path.Combine(_workspace.Folder, "due-now"));

        Assert.That((again.ExitCode, due.ExitCode), Is.EqualTo((0, 0)), again + "\n" + due);
        Assert.That(_sandbox.State.Requests.Skip(before).Where(r => r.Method == "POST"), Is.Empty, "a re-run the same day, and due, send nothing");
        Assert.That(Directory.Exists(Path.Combine(_workspace.Folder, "due-now")) ? Directory.GetFiles(Path.Combine(_workspace.Folder, "due-now")) : [], Is.Empty,
            "nothing due: no report files (a 15-minute timer would write 96 x 3 a day)");

        // The clock moves on to the due time (the journal's due times move back instead).
        using (var connection = new SqliteConnection($"Data Source={_settings["Journal:Path"]};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE due_actions SET due_at = $past WHERE state = 'pending';";
            command.Parameters.AddWithValue("$past", DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
        }

        // A report folder that cannot be written is found before anything is sent.
        var notAFolder = _workspace.Write("not-a-folder", "x");
        var unwritable = await CliRun.RunAsync(_settings, "due", "--out", Path.Combine(notAFolder, "reports"));
        Assert.That(unwritable.ExitCode, Is.EqualTo(1), unwritable.ToString());
        Assert.That(unwritable.ErrorLines, Has.Some.Contain("cannot write reports to"));
        Assert.That(_sandbox.State.Members.ContainsKey("later@contoso.example"), Is.False, "nothing sent");

        var carried = await CliRun.RunAsync(_settings, "due", "--out", Path.Combine(_workspace.Folder, "due-later"));

        Assert.That(carried.ExitCode, Is.EqualTo(0), carried.ToString());
        Assert.That(_sandbox.State.Members.ContainsKey("later@contoso.example"), Is.True);
        Assert.That(_sandbox.State.Guests.ContainsKey("contractor@partner.example"), Is.True);
        Assert.That(_sandbox.State.WritesFor("later@contoso.example"), Is.EqualTo(1));
        var dueLines = new Reports(Path.Combine(_workspace.Folder, "due-later")).Results();
        Assert.That(dueLines.Select(l => (l.Email, l.Outcome)), Is.EquivalentTo(new[] { ("later@contoso.example", "invited"), ("contractor@partner.example", "created") }));
        Assert.That(dueLines.Select(l => (l.FirstName, l.LastName)), Is.EquivalentTo(new[] { ("La", "Ter"), ("Con", "Tractor") }), "a due line has the names the journal kept");
        Assert.That(Directory.GetFiles(Path.Combine(_workspace.Folder, "due-later"), "*.results.xlsx"), Has.Length.EqualTo(1), "due writes results.xlsx too");

        var last = await CliRun.RunAsync(_settings, "due", "--out", Path.Combine(_workspace.Folder, "due-again"));
        Assert.That(last.ExitCode, Is.EqualTo(0));
        Assert.That(_sandbox.State.WritesFor("later@contoso.example"), Is.EqualTo(1), "carried out once");
    }

    [Test]
    public async Task ASlashedColumnThatCouldBeEitherWay_StopsTheRun_UnlessItsFormatIsDeclared()
    {
        var file = _workspace.Write("ambiguous.csv", "Email,First Name,Last Name,Type,Role,Start Date\n"
            + "a@contoso.example,A,A,member,standard,03/04/2026\nb@contoso.example,B,B,member,standard,05/06/2026\n");

        var refused = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "refused"));

        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString());
        Assert.That(refused.ErrorLines.Single(l => l.StartsWith("bulkonboard: error:", StringComparison.Ordinal)), Does.Contain("Start Date").And.Contain("03/04/2026").And.Contain("formats"));
        Assert.That(_sandbox.State.Requests.Where(r => r.Method == "POST"), Is.Empty);

        var mapping = _workspace.Write("m.json", """{ "formats": { "start_date": "dd/MM/yyyy" } }""");
        var declared = await CliRun.RunAsync(_settings, "import", file, "--mapping", mapping, "--out", Path.Combine(_workspace.Folder, "declared"));

        Assert.That(declared.ExitCode, Is.EqualTo(0), declared.ToString());
        Assert.That(_sandbox.State.Members.Keys, Is.EquivalentTo(new[] { "a@contoso.example", "b@contoso.example" }), "3 April and 5 June 2026 are long past: invited");
    }

    [Test]
    public async Task OneDayFirstValueSettlesTheColumn_AndAWindowsTimeZoneIsUnderstood()
    {
        var file = _workspace.Write("dayfirst.csv", "Email,First Name,Last Name,Type,Role,Start Date,Time Zone\n"
            + $"a@contoso.example,A,A,member,standard,03/04/2026,W. Europe Standard Time\nb@contoso.example,B,B,member,standard,{DateTime.UtcNow.AddDays(40):dd/MM/yyyy},W. Europe Standard Time\n"
            + "c@contoso.example,C,C,member,standard,25/12/2025,Europe/Berlin\n");

        var result = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "out"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var lines = new Reports(Path.Combine(_workspace.Folder, "out")).Results().ToDictionary(l => l.Email);
        Assert.That(lines["b@contoso.example"].Message, Does.Contain("Europe/Berlin"));
        Assert.That(lines["b@contoso.example"].Outcome, Is.EqualTo("scheduled"));
        Assert.That(_sandbox.State.Members.Keys, Is.EquivalentTo(new[] { "a@contoso.example", "c@contoso.example" }));
    }

    [Test]
    public async Task Sync_HiresWithinTheLeadAreInvited_OthersScheduled_TheEndedDeactivatedWhileListed_TheEndingScheduled_AndARerunSendsNothing()
    {
        _settings["Sync:MaxLeaversPercent"] = "100";
        var header = "Email,First Name,Last Name,Type,Role,Start Date,End Date\n";
        var staff = string.Concat(Enumerable.Range(0, 8).Select(i => $"s{i}@contoso.example,St,Aff,member,standard,,\n"));
        var day0 = await CliRun.RunAsync(_settings, "sync", _workspace.Write("d0.csv", header + staff + "ended@contoso.example,En,Ded,member,standard,,\nending@contoso.example,En,Ding,member,standard,,\n"),
            "--yes", "--out", Path.Combine(_workspace.Folder, "day0"));
        Assert.That(day0.ExitCode, Is.EqualTo(0), day0.ToString());

        var roster = header + staff
            + $"ended@contoso.example,En,Ded,member,standard,,{Day(-1)}\nending@contoso.example,En,Ding,member,standard,,{Day(7)}\n"
            + $"later@contoso.example,La,Ter,member,standard,{Day(30)},\nsoon@contoso.example,So,On,member,standard,{Day(3)},\nstarted@contoso.example,Star,Ted,member,standard,{Day(-1)},\n";
        var file = _workspace.Write("d1.csv", roster);
        var day1 = await CliRun.RunAsync(_settings, "sync", file, "--yes", "--out", Path.Combine(_workspace.Folder, "day1"));

        Assert.That(day1.ExitCode, Is.EqualTo(0), day1.ToString());
        var lines = new Reports(Path.Combine(_workspace.Folder, "day1")).Results().ToDictionary(l => l.Email);
        Assert.That(lines["ended@contoso.example"].Outcome, Is.EqualTo("deactivated"), "ended yesterday: a leaver while still listed, no grace");
        Assert.That(_sandbox.State.Members["ended@contoso.example"].Fields["status"], Is.EqualTo("disabled"));
        Assert.That(_sandbox.State.Members["ending@contoso.example"].Fields["status"], Is.Not.EqualTo("disabled"));
        Assert.That(lines["ending@contoso.example"].Message, Does.Contain($"deactivate due {Day(8)} 00:00 Pacific/Kiritimati"));
        Assert.That(lines["later@contoso.example"].Outcome, Is.EqualTo("scheduled"));
        Assert.That(lines["later@contoso.example"].Message, Does.Contain($"invite due {Day(23)} 00:00 Pacific/Kiritimati"));
        Assert.That(_sandbox.State.Members.ContainsKey("later@contoso.example"), Is.False);
        Assert.That(_sandbox.State.Members.ContainsKey("soon@contoso.example") && _sandbox.State.Members.ContainsKey("started@contoso.example"), Is.True);
        var plan = File.ReadAllText(Directory.GetFiles(Path.Combine(_workspace.Folder, "day1"), "*.plan.json").Single());
        Assert.That(plan, Does.Contain("invite later@contoso.example due").And.Contain("deactivate ending@contoso.example due"));

        var before = _sandbox.State.Requests.Count(r => r.Method != "GET");
        var again = await CliRun.RunAsync(_settings, "sync", file, "--yes", "--out", Path.Combine(_workspace.Folder, "again"));
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(_sandbox.State.Requests.Count(r => r.Method != "GET"), Is.EqualTo(before), "a re-run the same day sends nothing");

        // The hire is withdrawn: a roster without them cancels the invite that waited.
        var withdrawn = await CliRun.RunAsync(_settings, "sync", _workspace.Write("d2.csv", roster.Replace($"later@contoso.example,La,Ter,member,standard,{Day(30)},\n", string.Empty, StringComparison.Ordinal)),
            "--yes", "--out", Path.Combine(_workspace.Folder, "withdrawn"));
        Assert.That(withdrawn.ExitCode, Is.EqualTo(0), withdrawn.ToString());
        var history = await CliRun.RunAsync(_settings, "history", "--email", "later@contoso.example");
        Assert.That(history.Out, Does.Not.Contain("scheduled: invite"), history.ToString());
    }

    [Test]
    public async Task Sync_ReportsInvitationsStillPendingAfterTheAlertDays()
    {
        var roster = _workspace.Write("r.csv", "Email,First Name,Last Name,Type,Role\nnew@contoso.example,Ne,W,member,standard\n");
        Assert.That((await CliRun.RunAsync(_settings, "sync", roster, "--yes", "--out", Path.Combine(_workspace.Folder, "first"))).ExitCode, Is.EqualTo(0));
        using (var connection = new SqliteConnection($"Data Source={_settings["Journal:Path"]};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE onboarded SET at = $then;";
            command.Parameters.AddWithValue("$then", DateTimeOffset.Now.AddDays(-20).ToString("O", CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
        }

        var later = await CliRun.RunAsync(_settings, "sync", roster, "--yes", "--out", Path.Combine(_workspace.Folder, "later"));

        Assert.That(later.ExitCode, Is.EqualTo(0), later.ToString());
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "later")).Summary.PendingInvites, Is.EqualTo(1));
        Assert.That(later.Error, Does.Contain("still pending after 14 days"));
    }

    [Test]
    public async Task Watch_CarriesOutAHireThatComesDue_WithoutANewFile()
    {
        var file = _workspace.Write("hires.csv", "Email,First Name,Last Name,Type,Role,Start Date\n" + $"later@contoso.example,La,Ter,member,standard,{Day(30)}\n");
        var import = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "import"));
        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString());
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(3);
        using (var connection = new SqliteConnection($"Data Source={_settings["Journal:Path"]};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE due_actions SET due_at = $due WHERE state = 'pending';";
            command.Parameters.AddWithValue("$due", dueAt.ToString("O", CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
        }

        var inbox = Path.Combine(_workspace.Folder, "inbox");
        Directory.CreateDirectory(inbox);
        _settings["Dates:CheckEvery"] = "00:00:01";
        _settings["Watch:ScanInterval"] = "00:00:00.200";
        using var stop = new CancellationTokenSource();
        var service = Task.Run(() => CliRun.RunAsync(_settings, ["watch", "--inbox", inbox], stop.Token));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!_sandbox.State.Members.ContainsKey("later@contoso.example") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        var result = await service;
        var invite = _sandbox.State.Requests.Single(r => r.Path.EndsWith("/invite", StringComparison.Ordinal));
        Assert.That(invite.At, Is.GreaterThanOrEqualTo(dueAt), "never before its time: " + result);
        Assert.That(invite.At - dueAt, Is.LessThan(TimeSpan.FromSeconds(2.5)), "within one check interval (and a little to send): " + result);
    }

    /// <summary>A day from today, as Pacific/Kiritimati (UTC+14) counts days.</summary>
    private static string Day(int fromToday) => DateTime.UtcNow.AddHours(14).Date.AddDays(fromToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Hires()
    {
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Role,Start Date,End Date\n");
        csv.Append(CultureInfo.InvariantCulture, $"later@contoso.example,La,Ter,member,standard,{Day(30)},\n");
        csv.Append(CultureInfo.InvariantCulture, $"soon@contoso.example,So,On,member,standard,{Day(3)},\n");
        csv.Append(CultureInfo.InvariantCulture, $"started@contoso.example,Star,Ted,member,standard,{Day(-1)},\n");
        csv.Append(CultureInfo.InvariantCulture, $"gone@contoso.example,Go,Ne,member,standard,{Day(-100)},{Day(-1)}\n");
        csv.Append(CultureInfo.InvariantCulture, $"contractor@partner.example,Con,Tractor,guest,,{Day(30)},{Day(120)}\n");
        csv.Append("undated@contoso.example,Un,Dated,member,standard,,\n");
        return csv.ToString();
    }
}
