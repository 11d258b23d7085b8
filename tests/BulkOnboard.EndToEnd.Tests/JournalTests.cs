using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>The journal across runs: what was done is not sent again; a held or broken journal stops the run before anything is sent.</summary>
public class JournalTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _journal = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _journal = Path.Combine(_workspace.Folder, "journal.db");
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = _journal;
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _workspace.Dispose();
    }

    [Test]
    public async Task TomorrowsCumulativeDump_SendsOnlyTheNewRows()
    {
        var today = _workspace.Write("today.csv", People(0, 5000));
        var first = await Import(today, "day1");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        var requestsAfterDay1 = _sandbox.State.Requests.Count;

        var tomorrow = _workspace.Write("tomorrow.csv", People(0, 5050));
        var second = await Import(tomorrow, "day2");

        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        Assert.That(_sandbox.State.Requests.Count - requestsAfterDay1, Is.EqualTo(50), "exactly the 50 new people are sent");
        var summary = new Reports(Path.Combine(_workspace.Folder, "day2")).Summary;
        Assert.That((summary.Created, summary.Skipped, summary.SkippedReasons["already_done"], summary.Requests), Is.EqualTo((50, 5000, 5000, 50L)));
    }

    [Test]
    public async Task SameFileAgain_SendsNothing_AndForceSendsEverythingAgain()
    {
        var file = _workspace.Write("p.csv", People(0, 20));
        await Import(file, "first");

        var again = await Import(file, "again");
        var forced = await Import(file, "forced", "--force");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        var againLines = new Reports(Path.Combine(_workspace.Folder, "again")).Results();
        Assert.That(againLines.Select(l => (l.Outcome, l.Reason)), Is.All.EqualTo(("skipped", "already_done")));
        Assert.That(againLines[0].Message, Does.Contain("done by run 1 (created"));
        Assert.That(againLines[0].TallyfyId, Is.Not.Empty, "the id Tallyfy gave the first time is kept");
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "forced")).Results().Select(l => (l.Outcome, l.Reason)), Is.All.EqualTo(("skipped", "already_exists")),
            "--force ignores the journal, not Tallyfy: its listing says they exist");
        Assert.That(_sandbox.State.Requests.Count(r => r.Method == "POST"), Is.EqualTo(20), "the first run's creates, nothing since");

        await Import(file, "forced-no-preflight", "--force", "--no-preflight");
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "forced-no-preflight")).Results().Select(l => (l.Outcome, l.Reason)), Is.All.EqualTo(("skipped", "already_exists")),
            "--force --no-preflight sends again; Tallyfy answers that they exist");
        Assert.That(_sandbox.State.Requests.Count(r => r.Method == "POST"), Is.EqualTo(40));
    }

    [Test]
    public async Task FailedAndInvalidRows_AreTriedAgainNextTime()
    {
        var file = _workspace.Write("p.csv", "Email,Type,First Name,Last Name\na@x.example,member,Ann,\nb@x.example,guest,,\n");
        await Import(file, "first");
        var fixedFile = _workspace.Write("p2.csv", "Email,Type,First Name,Last Name\na@x.example,member,Ann,Lee\nb@x.example,guest,,\n");

        var second = await Import(fixedFile, "second");

        Assert.That(new Reports(Path.Combine(_workspace.Folder, "second")).Results().Select(l => l.Outcome), Is.EqualTo(new[] { "invited", "skipped" }));
        Assert.That(second.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task LiveHolder_SecondRunExits4_NamingTheHolder_AndSendsNothing()
    {
        var file = _workspace.Write("p.csv", People(0, 3));
        await Import(file, "first");
        using (var connection = Open())
        {
            Execute(connection, $"INSERT INTO run_lock (id, host, pid, process_started_at, locked_at, file_name) VALUES (1, '{Environment.MachineName}', {Environment.ProcessId}, NULL, '2026-11-22T02:00:00', 'other.csv');");
        }

        var blocked = await Import(_workspace.Write("q.csv", People(100, 103)), "blocked");

        Assert.That(blocked.ExitCode, Is.EqualTo(4), blocked.ToString());
        Assert.That(blocked.ErrorLines.Single(l => l.StartsWith("bulkonboard: error:", StringComparison.Ordinal)), Does.Contain($"PID {Environment.ProcessId} on {Environment.MachineName}").And.Contain("other.csv"));
        Assert.That(_sandbox.State.Requests.Count, Is.EqualTo(3), "the blocked run sent nothing");
        Assert.That(Directory.Exists(Path.Combine(_workspace.Folder, "blocked")), Is.False, "and wrote no reports");
    }

    [Test]
    public async Task LockLeftByADeadProcess_IsRecovered()
    {
        await Import(_workspace.Write("p.csv", People(0, 1)), "first");
        using (var connection = Open())
        {
            Execute(connection, $"INSERT INTO run_lock (id, host, pid, process_started_at, locked_at, file_name) VALUES (1, '{Environment.MachineName}', 999999, '2026-11-21T00:00:00', '2026-11-21T00:00:00', 'crashed.csv');");
        }

        var result = await Import(_workspace.Write("q.csv", People(10, 12)), "after");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Error, Does.Contain("Recovered the journal lock left by PID 999999"));
    }

    [Test]
    public async Task JournalFromAnOlderVersion_IsMigratedForward_KeepingItsHistory()
    {
        using (var connection = Open())
        {
            Execute(connection, BulkOnboardSchemaV1() + "PRAGMA user_version = 1;");
            Execute(connection, "INSERT INTO runs (target, file_name, file_sha256, started_at, host, pid) VALUES ('t', 'old.csv', 'x', '2026-01-01', 'h', 1);");
        }

        var result = await Import(_workspace.Write("p.csv", People(0, 2)), "out");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        using var check = Open();
        Assert.That(Scalar(check, "PRAGMA user_version;"), Is.EqualTo((long)BulkOnboard.Journal.JournalSchema.CurrentVersion));
        Assert.That(Scalar(check, "SELECT COUNT(*) FROM runs;"), Is.EqualTo(2L));
        Assert.That(Scalar(check, "SELECT forced FROM runs WHERE file_name = 'old.csv';"), Is.EqualTo(0L));
    }

    [Test]
    public async Task JournalFromANewerVersion_IsRefused_Exit1()
    {
        using (var connection = Open())
        {
            Execute(connection, "PRAGMA user_version = 99;");
        }

        var result = await Import(_workspace.Write("p.csv", People(0, 2)), "out");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.ErrorLines.Single(l => l.StartsWith("bulkonboard: error:", StringComparison.Ordinal)), Does.Contain("written by a newer BulkOnboard"));
        Assert.That(_sandbox.State.Requests, Is.Empty);
    }

    [Test]
    public async Task CorruptJournal_StopsTheRun_AndIsNeverRecreated()
    {
        var garbage = Encoding.ASCII.GetBytes(new string('x', 4096));
        File.WriteAllBytes(_journal, garbage);

        var result = await Import(_workspace.Write("p.csv", People(0, 2)), "out");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines.Single(l => l.StartsWith("bulkonboard: error:", StringComparison.Ordinal)), Does.Contain("cannot be used").And.Contain("will not replace it"));
        Assert.That(File.ReadAllBytes(_journal), Is.EqualTo(garbage), "the file is left exactly as it was");
        Assert.That(_sandbox.State.Requests, Is.Empty);
    }

    [Test]
    public async Task History_ListsRuns_AndAnswersWasThisPersonInvitedWhenAndFromWhichFile()
    {
        await Import(_workspace.Write("monday.csv", People(0, 3)), "one");
        await Import(_workspace.Write("tuesday.csv", People(0, 4)), "two");

        var runs = await CliRun.RunAsync(_settings, "history");
        var person = await CliRun.RunAsync(_settings, "history", "--email", "PERSON1@x.example");
        var stranger = await CliRun.RunAsync(_settings, "history", "--email", "nobody@x.example");

        Assert.That(runs.ExitCode, Is.EqualTo(0), runs.ToString());
        Assert.That(runs.Out, Does.Contain("monday.csv").And.Contain("tuesday.csv"));
        Assert.That(person.Out, Does.Contain("created").And.Contain("monday.csv").And.Contain("done"));
        Assert.That(stranger.Out, Does.Contain("not in the journal"));
    }

    private Task<CliResult> Import(string file, string output, params string[] extra) =>
        CliRun.RunAsync(_settings, ["import", file, "--kind", "guest", "--out", Path.Combine(_workspace.Folder, output), .. extra]);

    private static string People(int from, int to)
    {
        var csv = new StringBuilder("Email,First Name,Type\n");
        for (var i = from; i < to; i++)
        {
            csv.Append($"person{i}@x.example,P{i},guest\n");
        }

        return csv.ToString();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_journal};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static string BulkOnboardSchemaV1() =>
        typeof(BulkOnboard.Journal.RunJournal).Assembly.GetType("BulkOnboard.Journal.JournalSchema")!
            .GetField("Migrations", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetValue(null) is string[] migrations
            ? migrations[0]
            : throw new InvalidOperationException("schema not found");
}
