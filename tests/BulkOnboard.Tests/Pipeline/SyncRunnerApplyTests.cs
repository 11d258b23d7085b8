using System.Net;
using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using Microsoft.Data.Sqlite;
using static BulkOnboard.Tests.Support.SyncHarness;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>Applying a sync: exit codes, a leaver whose answer was lost settled by reading back, a journal that fails mid-run.</summary>
public class SyncRunnerApplyTests
{
    private const string Header = "Email,First Name,Last Name,Type,Role\n";

    private SyncHarness _sync = null!;

    [SetUp]
    public void SetUp() => _sync = new SyncHarness();

    [TearDown]
    public void TearDown() => _sync.Dispose();

    [Test]
    public async Task EveryChangeDone_ExitCode0_AndEveryRowReported()
    {
        _sync.Lists([]);
        _sync.Seen.Reply(HttpMethod.Post, "users/invite", HttpStatusCode.OK, """{"data":{"id":31,"email":"new@x.example","status":"invited"}}""");
        _sync.Seen.Reply(HttpMethod.Post, "guests", HttpStatusCode.Created, """{"data":{"id":"g1","email":"guest@x.example"}}""");

        var outcome = await _sync.RunAsync(SyncMode.PlanAndApply, _sync.Roster(Header + "new@x.example,New,Joiner,member,standard\nguest@x.example,Gus,Guest,guest,\n"));

        Assert.That(outcome.Summary.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(_sync.Seen.Writes.Select(w => w.ToString()), Is.EquivalentTo(new[] { "POST users/invite", "POST guests" }));
        Assert.That(Outcomes(outcome), Is.EqualTo(new[] { "new@x.example invited", "guest@x.example created" }));
    }

    [Test]
    public async Task AChangeThatFails_ExitCode2_TheOthersStillDone()
    {
        _sync.Lists([]);
        _sync.Seen.Reply(HttpMethod.Post, "users/invite", (HttpStatusCode)422, """{"message":"The given data was invalid.","errors":{"first_name":["The first name may not be greater than 32 characters."]}}""",
            bodyContains: "bad@x.example");
        _sync.Seen.Reply(HttpMethod.Post, "users/invite", HttpStatusCode.OK, """{"data":{"id":31,"email":"new@x.example","status":"invited"}}""");

        var outcome = await _sync.RunAsync(SyncMode.PlanAndApply, _sync.Roster(Header + "bad@x.example,Bad,Name,member,standard\nnew@x.example,New,Joiner,member,standard\n"));

        Assert.That(outcome.Summary.ExitCode, Is.EqualTo(ExitCodes.RowsNeedAttention));
        Assert.That((outcome.Summary.Failed, outcome.Summary.Invited), Is.EqualTo((1, 1)));
        Assert.That(Outcomes(outcome), Is.EqualTo(new[] { "bad@x.example failed", "new@x.example invited" }));
    }

    [TestCase("""{"data":{"id":21,"email":"leaver@x.example","status":"disabled"}}""", HttpStatusCode.OK, TestName = "{m}(read back disabled)")]
    [TestCase("""{"error":true,"message":"Resource not found","code":"RESOURCE_NOT_FOUND"}""", HttpStatusCode.NotFound, TestName = "{m}(read back gone)")]
    public async Task ALeaverDeactivationWhoseAnswerWasLost_IsSettledByReadingBack_AndReportedDeactivated(string readBack, HttpStatusCode status)
    {
        await LeaverWhoseDeactivationIsLost(readBack, status);

        var outcome = await _sync.RunAsync(SyncMode.PlanAndApply, _sync.Roster(Header + "stay@x.example,Mo,Ray,member,standard\n"));

        Assert.That(_sync.Seen.Lines.Skip(3), Is.EqualTo(new[] { TasksOf(21), "DELETE users/21", "GET users/21", TasksOf(21) }),
            "the leaver's open tasks read, one DELETE settled by one read, never sent again; then what the leaver still holds read back");
        Assert.That(File.ReadAllText(outcome.Summary.Reports!.Results), Does.Contain("read back: 0 incomplete tasks left on them"));
        Assert.That(outcome.Summary.ExitCode, Is.EqualTo(ExitCodes.Success), "what Tallyfy holds is what was asked: not a failure");
        Assert.That((outcome.Summary.Deactivated, outcome.Summary.Failed), Is.EqualTo((1, 0)));
        Assert.That(Outcomes(outcome), Is.EqualTo(new[] { "stay@x.example skipped", "leaver@x.example deactivated" }));
        Assert.That(File.ReadAllText(outcome.Summary.Reports!.Results), Does.Contain("read back it shows the member deactivated"));
        Assert.That(LeaverActions(), Is.EqualTo(new[] { "deactivate deactivated" }), "the journal holds the settled outcome, not in_flight");
    }

    [Test]
    public async Task ALeaverDeactivationWhoseAnswerWasLost_ReadBackStillActive_IsReportedFailed()
    {
        await LeaverWhoseDeactivationIsLost("""{"data":{"id":21,"email":"leaver@x.example","status":"active"}}""", HttpStatusCode.OK);

        var outcome = await _sync.RunAsync(SyncMode.PlanAndApply, _sync.Roster(Header + "stay@x.example,Mo,Ray,member,standard\n"));

        Assert.That(_sync.Seen.Lines.Skip(3), Is.EqualTo(new[] { TasksOf(21), "DELETE users/21", "GET users/21" }), "not deactivated: nothing to read back");
        Assert.That(outcome.Summary.ExitCode, Is.EqualTo(ExitCodes.RowsNeedAttention));
        Assert.That(Outcomes(outcome), Is.EqualTo(new[] { "stay@x.example skipped", "leaver@x.example failed" }));
        Assert.That(File.ReadAllText(outcome.Summary.Reports!.Results), Does.Contain("read back, Tallyfy still holds the member as before"));
        Assert.That(LeaverActions(), Is.EqualTo(new[] { "deactivate failed" }));
    }

    [Test]
    public async Task AJournalWriteThatFails_StopsSending_ExitCode3_AndKeepsTheTrueOutcomes()
    {
        _sync.Lists([]);
        _sync.Delivery.Delivery.MaxConcurrency = 1;

        // The first invite goes out; while it is in flight the journal stops taking writes about people.
        _sync.Seen.ReplyAfter(HttpMethod.Post, "users/invite", BreakTheJournal, HttpStatusCode.OK, """{"data":{"id":31,"email":"p0@x.example","status":"invited"}}""");

        var outcome = await _sync.RunAsync(SyncMode.PlanAndApply,
            _sync.Roster(Header + string.Concat(Enumerable.Range(0, 4).Select(i => $"p{i}@x.example,Pe,Ople,member,standard\n"))));

        Assert.That(_sync.Seen.Writes.Select(w => w.ToString()), Is.EqualTo(new[] { "POST users/invite" }), "nothing sent after the journal failed");
        Assert.That(outcome.Summary.ExitCode, Is.EqualTo(ExitCodes.Aborted));
        Assert.That(outcome.Summary.StoppedBecause, Does.Contain("could not be written"));
        Assert.That(Outcomes(outcome), Is.EqualTo(new[] { "p0@x.example invited", "p1@x.example not_attempted", "p2@x.example not_attempted", "p3@x.example not_attempted" }),
            "the invite that happened is reported invited");
        Assert.That(File.ReadAllText(outcome.Summary.Reports!.Results), Does.Contain("not recorded in the journal"));
    }

    private async Task LeaverWhoseDeactivationIsLost(string readBack, HttpStatusCode status)
    {
        await _sync.OnboardedEarlierAsync(PersonKind.Member, "leaver@x.example", "21");
        _sync.Lists([Member(20, "stay@x.example"), Member(21, "leaver@x.example")]);
        _sync.Seen.Drop(HttpMethod.Delete, "users/21");
        _sync.Seen.Reply(HttpMethod.Get, "users/21", status, readBack);
    }

    /// <summary>
    /// Recording a person's outcome fails from now on, as a full disk would make it. Marking a new person in
    /// flight still works, so the stop comes from the failed record itself, not from the next person's mark.
    /// </summary>
    private void BreakTheJournal()
    {
        using var connection = new SqliteConnection($"Data Source={_sync.JournalPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TRIGGER IF NOT EXISTS test_no_update BEFORE UPDATE ON people BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END;";
        command.ExecuteNonQuery();
    }

    /// <summary>"email outcome" for each line of results.csv, in order.</summary>
    private static List<string> Outcomes(SyncOutcome outcome)
    {
        var lines = File.ReadAllLines(outcome.Summary.Reports!.Results);
        var header = lines[0].Split(',');
        var (email, result) = (Array.IndexOf(header, "email"), Array.IndexOf(header, "outcome"));
        return [.. lines.Skip(1).Select(l => l.Split(',')).Select(c => $"{c[email]} {c[result]}")];
    }

    /// <summary>"action outcome" of the journal's leaver actions.</summary>
    private List<string> LeaverActions()
    {
        using var connection = new SqliteConnection($"Data Source={_sync.JournalPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT action, outcome FROM sync_actions WHERE email = 'leaver@x.example' ORDER BY id;";
        using var reader = command.ExecuteReader();
        var actions = new List<string>();
        while (reader.Read())
        {
            actions.Add($"{reader.GetString(0)} {reader.GetString(1)}");
        }

        return actions;
    }
}
