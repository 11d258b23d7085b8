using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BulkOnboard.Tests.Journal;

/// <summary>Mark in flight, send, record: what a run writes for a row, and what the next run finds.</summary>
public class JournalRecordTests
{
    private JournalFolder _journal = null!;

    [SetUp]
    public void SetUp() => _journal = new JournalFolder();

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [Test]
    public async Task ARowMarkedInFlight_ThenRecordedCreated_IsFoundDone_WithItsIdAndRun()
    {
        long runId;
        await using (var run = _journal.Open())
        {
            runId = run.RunId;
            await run.MarkInFlightAsync(PersonKind.Guest, "Ann@X.example", 2);
            var marked = run.Find(PersonKind.Guest, "ann@x.example")!;
            Assert.That((marked.WasInFlight, marked.IsDone, marked.Outcome), Is.EqualTo((true, false, (string?)null)), "in flight before the answer");

            _journal.Time.Advance(TimeSpan.FromSeconds(3));
            await run.RecordAsync(PersonKind.Guest, "ann@x.example", 2, "created", null, "g-17", maybeApplied: false, onboarded: true);
        }

        await using var next = _journal.Open();
        var entry = next.Find(PersonKind.Guest, " ANN@x.example ");

        Assert.That(entry, Is.Not.Null);
        Assert.That((entry!.IsDone, entry.WasInFlight, entry.State, entry.Outcome, entry.TallyfyId, entry.RunId),
            Is.EqualTo((true, false, "done", (string?)"created", (string?)"g-17", runId)));
        Assert.That(DateTimeOffset.Parse(entry.At, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(JournalFolder.Start.AddSeconds(3)));
        Assert.That(next.RunId, Is.GreaterThan(runId));
    }

    [Test]
    public async Task APersonIsKeyedByKindAndOrganization()
    {
        await using (var run = _journal.Open())
        {
            await run.RecordAsync(PersonKind.Guest, "ann@x.example", 2, "created", null, "1", maybeApplied: false);
        }

        await using (var sameOrganization = _journal.Open())
        {
            Assert.That(sameOrganization.Find(PersonKind.Guest, "ann@x.example"), Is.Not.Null);
            Assert.That(sameOrganization.Find(PersonKind.Member, "ann@x.example"), Is.Null, "a member is another person than a guest");
            Assert.That(sameOrganization.Find(PersonKind.Guest, "bob@x.example"), Is.Null);
        }

        await using var otherEndpoint = _journal.Open(target: RunJournal.Target("https://eu.tallyfy.test/api/", " org1 "));
        Assert.That(otherEndpoint.Find(PersonKind.Guest, "ann@x.example"), Is.Null, "the same organization id on another endpoint is another organization");
    }

    [TestCase("created", null, false, "done", "created")]
    [TestCase("invited", null, false, "done", "invited")]
    [TestCase("updated", null, false, "done", "updated")]
    [TestCase("skipped", "already_exists", false, "done", "skipped:already_exists")]
    [TestCase("skipped", "duplicate_in_file", false, "skipped", "skipped")]
    [TestCase("failed", null, false, "failed", "failed")]
    [TestCase("failed", null, true, "in_flight", "failed")]
    [TestCase("not_attempted", null, true, "in_flight", "not_attempted")]
    [TestCase("not_attempted", null, false, "not_attempted", "not_attempted")]
    public async Task RecordAsync_KeepsDoneOnlyForWhatTallyfyHolds_AndWhatMayHaveBeenApplied_InFlight(
        string outcome, string? reason, bool maybeApplied, string state, string recorded)
    {
        await using (var run = _journal.Open())
        {
            await run.MarkInFlightAsync(PersonKind.Member, "ann@x.example", 2);
            await run.RecordAsync(PersonKind.Member, "ann@x.example", 2, outcome, reason, null, maybeApplied);
        }

        await using var next = _journal.Open();
        var entry = next.Find(PersonKind.Member, "ann@x.example")!;

        Assert.That((entry.State, entry.Outcome), Is.EqualTo((state, (string?)recorded)));
        Assert.That(entry.IsDone, Is.EqualTo(state == "done"));
        Assert.That(entry.WasInFlight, Is.EqualTo(state == "in_flight"));
    }

    [Test]
    public async Task ARowLeftInFlightByAKilledRun_IsSeenInFlightByTheNext_WhichTakesOverTheLockItLeft()
    {
        long killedRun;
        await using (var run = _journal.Open())
        {
            killedRun = run.RunId;
            await run.MarkInFlightAsync(PersonKind.Member, "ann@x.example", 7);
        }

        // The killed run never released its lock: a holder on this host whose process (same PID, another start) is gone.
        _journal.Execute($"""
            INSERT INTO run_lock (id, host, pid, process_started_at, locked_at, file_name)
            VALUES (1, '{Environment.MachineName}', {Environment.ProcessId}, '2001-01-01T00:00:00.0000000Z', '2026-12-04T08:00:00Z', 'people.csv');
            """);
        var logger = new FakeLogger();

        await using var next = _journal.Open(logger: logger);
        var entry = next.Find(PersonKind.Member, "ann@x.example")!;

        Assert.That((entry.WasInFlight, entry.IsDone, entry.RunId, entry.Outcome), Is.EqualTo((true, false, killedRun, (string?)null)));
        Assert.That(logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message),
            Has.One.Contains("Recovered the journal lock left by PID " + Environment.ProcessId));
    }

    [Test]
    public async Task ASecondRun_WhileTheFirstHoldsTheJournal_IsRefused_NamingTheHolder()
    {
        await using var first = _journal.Open("first.csv");

        var refused = Assert.Throws<JournalLockedException>(() => _journal.Open("second.csv"));

        Assert.That(refused!.Message, Does.Contain($"PID {Environment.ProcessId} on {Environment.MachineName}").And.Contain("importing first.csv"));
        Assert.That(_journal.Scalar("SELECT COUNT(*) FROM runs;"), Is.EqualTo(1L), "the refused run is not recorded");
    }

    [Test]
    public async Task AForcedRun_IsRecordedAsForced_AndItsRecordsReplaceTheEarlierRunsKeepingTheTallyfyId()
    {
        await using (var run = _journal.Open())
        {
            await run.RecordAsync(PersonKind.Guest, "ann@x.example", 2, "created", null, "g-1", maybeApplied: false, onboarded: true);
        }

        long forcedRun;
        await using (var forced = _journal.Open(forced: true))
        {
            forcedRun = forced.RunId;
            Assert.That(forced.Find(PersonKind.Guest, "ann@x.example")!.IsDone, Is.True, "the journal still answers; --force is the planner's decision to send anyway");
            await forced.MarkInFlightAsync(PersonKind.Guest, "ann@x.example", 5);
            await forced.RecordAsync(PersonKind.Guest, "ann@x.example", 5, "skipped", "already_exists", null, maybeApplied: false);
        }

        await using var next = _journal.Open();
        var entry = next.Find(PersonKind.Guest, "ann@x.example")!;

        Assert.That((entry.RunId, entry.Outcome, entry.TallyfyId), Is.EqualTo((forcedRun, (string?)"skipped:already_exists", (string?)"g-1")));
        Assert.That(JournalHistory.RecentRuns(_journal.Path, 10).Select(r => (r.Id, r.Forced)), Is.EqualTo(new[] { (next.RunId, false), (forcedRun, true), (forcedRun - 1, false) }));
    }

    [Test]
    public async Task AWriteAfterTheJournalIsClosed_FailsWithTheJournalsOwnException()
    {
        var run = _journal.Open();
        await run.DisposeAsync();

        var thrown = Assert.ThrowsAsync<JournalUnavailableException>(() => run.MarkInFlightAsync(PersonKind.Guest, "ann@x.example", 2));

        Assert.That(thrown!.Message, Does.Contain("is closed"));
    }

    [Test]
    public async Task LookUps_FromManyThreadsAtOnce_EachFindTheirOwnPerson()
    {
        await using var run = _journal.Open();
        for (var i = 0; i < 50; i++)
        {
            await run.RecordAsync(PersonKind.Member, $"m{i}@x.example", i + 2, "invited", null, $"id-{i}", maybeApplied: false, onboarded: true);
        }

        // The dated hires' lanes look people up side by side: every answer is the person asked about, and none throws.
        var wrong = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var k = 0; k < 2000; k++)
            {
                var i = (worker * 7 + k) % 50;
                if (run.Find(PersonKind.Member, $"m{i}@x.example")?.TallyfyId != $"id-{i}")
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        })));

        Assert.That(wrong, Is.Zero);
    }
}
