using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Journal;

/// <summary><c>bulkonboard history</c>'s reads: recent runs, one person's fate, sync actions and provenance; read only.</summary>
public class JournalHistoryTests
{
    private JournalFolder _journal = null!;

    [SetUp]
    public void SetUp() => _journal = new JournalFolder();

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [TestCase("https://go.tallyfy.com/api|org1", "org1", "https://go.tallyfy.com/api")]
    [TestCase("http://127.0.0.1:40123/api|sandbox-org", "sandbox-org", "http://127.0.0.1:40123/api")]
    [TestCase("https://user:s3cret@eu.tallyfy.test/api?key=s3cret#frag|org2", "org2", "https://eu.tallyfy.test/api")]
    [TestCase("sandbox|sandbox-org", "sandbox-org", "sandbox")]
    public void ATarget_IsShownAsItsOrganizationAndEndpoint_WithoutASecret(string target, string organization, string endpoint)
    {
        Assert.That(RunJournal.Describe(target), Is.EqualTo((organization, endpoint)));
        Assert.That(RunJournal.Describe(RunJournal.Target(endpoint + "/", organization)), Is.EqualTo((organization, endpoint)), "Describe reads what Target writes");
    }

    [Test]
    public async Task RecentRuns_NewestFirst_WithTheTotalsAFinishedRunWrote()
    {
        await using (var run = _journal.Open("first.csv"))
        {
            await run.FinishAsync(new RunTotals(Total: 10, Created: 3, Invited: 2, Updated: 1, Skipped: 1, Invalid: 1, Failed: 1, NotAttempted: 1, Requests: 8, ExitCode: 2));
        }

        _journal.Time.Advance(TimeSpan.FromMinutes(1));
        await using (_journal.Open("second.csv", forced: true))
        {
            // Stopped before it finished: no totals.
        }

        var runs = JournalHistory.RecentRuns(_journal.Path, 10);

        Assert.That(runs.Select(r => (Path.GetFileName(r.FileName), r.Forced, r.EndedAt is null)), Is.EqualTo(new[] { ("second.csv", true, true), ("first.csv", false, false) }));
        var first = runs[1];
        Assert.That((first.Target, first.Total, first.Created, first.Invited, first.Skipped, first.Invalid, first.Failed, first.NotAttempted, first.ExitCode),
            Is.EqualTo((JournalFolder.Target, (int?)10, (int?)3, (int?)2, (int?)1, (int?)1, (int?)1, (int?)1, (int?)2)));
        Assert.That(runs[0].Total, Is.Null);
        Assert.That(JournalHistory.RecentRuns(_journal.Path, 1).Single().Id, Is.EqualTo(runs[0].Id), "the limit keeps the newest");
    }

    [Test]
    public async Task FindPerson_InEveryOrganization_WithTheFileAndRowThatLastTouchedThem()
    {
        await using (var run = _journal.Open("hires.csv"))
        {
            await run.RecordAsync(PersonKind.Member, "ann@x.example", 4, "invited", null, "m-4", maybeApplied: false, onboarded: true);
        }

        _journal.Time.Advance(TimeSpan.FromMinutes(1));
        await using (var other = _journal.Open("guests.csv", target: "https://tallyfy.test/api|org2"))
        {
            await other.RecordAsync(PersonKind.Guest, "ann@x.example", 9, "failed", null, null, maybeApplied: false);
        }

        var found = JournalHistory.FindPerson(_journal.Path, " Ann@X.example");

        Assert.That(found.Select(p => (p.Target, p.Kind, p.State, p.Outcome, Path.GetFileName(p.FileName), p.RowNumber, p.TallyfyId)), Is.EqualTo(new[]
        {
            ("https://tallyfy.test/api|org2", "guest", "failed", (string?)"failed", "guests.csv", (int?)9, (string?)null),
            (JournalFolder.Target, "member", "done", "invited", "hires.csv", 4, "m-4"),
        }));
        Assert.That(JournalHistory.FindPerson(_journal.Path, "bob@x.example"), Is.Empty);
    }

    [Test]
    public async Task SyncActions_ShowEachActionAsSettled_NewestFirst_AndTheRunReadsItsOwn()
    {
        long runId;
        await using (var sync = _journal.Open("roster.csv", command: "sync"))
        {
            runId = sync.RunId;
            var id = await sync.RecordSyncActionAsync(new SyncActionRecord(PersonKind.Member, "Gone@x.example", "deactivate", RunJournal.ActionInFlight, "m-7", "missing", """{"role":"standard"}""", "roster.csv"));
            await sync.SettleSyncActionAsync(id, "deactivated", null, null);
            await sync.RecordSyncActionAsync(new SyncActionRecord(PersonKind.Member, "gone@x.example", "hold", "held", null, "grace", null, "roster.csv"));

            Assert.That(sync.SyncActionsOf(runId).Select(a => (a.Action, a.Outcome, a.TallyfyId, a.Detail, a.Snapshot)), Is.EqualTo(new[]
            {
                ("deactivate", "deactivated", (string?)"m-7", (string?)"missing", (string?)"""{"role":"standard"}"""),
                ("hold", "held", null, "grace", null),
            }), "settling keeps the id and detail it was not given");
        }

        var history = JournalHistory.SyncActions(_journal.Path, "GONE@x.example");

        Assert.That(history.Select(a => (a.Action, a.Outcome, a.RunId, a.Roster)), Is.EqualTo(new[] { ("hold", "held", runId, (string?)"roster.csv"), ("deactivate", "deactivated", runId, "roster.csv") }));
    }

    [Test]
    public async Task Provenance_IsTheFirstRecordOfAnOnboarding_NeverAReplacedOne()
    {
        long firstRun;
        await using (var first = _journal.Open("hires.csv"))
        {
            firstRun = first.RunId;
            await first.RecordAsync(PersonKind.Guest, "ann@x.example", 2, "created", null, "g-1", maybeApplied: false, onboarded: true);
        }

        _journal.Time.Advance(TimeSpan.FromDays(1));
        await using (var forced = _journal.Open("again.csv", forced: true))
        {
            await forced.RecordAsync(PersonKind.Guest, "ann@x.example", 2, "created", null, "g-2", maybeApplied: false, onboarded: true);
            await forced.RecordAsync(PersonKind.Guest, "ann@x.example", 2, "failed", null, null, maybeApplied: false);
        }

        var claims = JournalHistory.Provenance(_journal.Path, "ann@x.example");

        Assert.That(claims.Select(c => (c.Target, c.Kind, c.RunId, c.How, Path.GetFileName(c.FileName))), Is.EqualTo(new[] { (JournalFolder.Target, "guest", firstRun, "created", "hires.csv") }));
        Assert.That(DateTimeOffset.Parse(claims[0].At, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(JournalFolder.Start));
        await using var next = _journal.Open();
        Assert.That(next.Onboarded(), Does.Contain((PersonKind.Guest, "ann@x.example")), "a later failure does not clear it");
    }

    [Test]
    public async Task IsSyncRun_ForASync_OrARunThatCarriedOutLeaverActions_OnlyInItsOrganization()
    {
        long sync, import, due;
        await using (var run = _journal.Open("roster.csv", command: "sync"))
        {
            sync = run.RunId;
        }

        await using (var run = _journal.Open("people.csv"))
        {
            import = run.RunId;
            await run.RecordSyncActionAsync(new SyncActionRecord(PersonKind.Member, "hire@x.example", "invite", "invited", "m-1", null, null, null));
        }

        await using (var run = _journal.Open("due", command: "due"))
        {
            due = run.RunId;
            await run.RecordSyncActionAsync(new SyncActionRecord(PersonKind.Member, "gone@x.example", "deactivate", "deactivated", "m-2", null, null, null));
        }

        Assert.That(new[] { sync, import, due }.Select(id => JournalHistory.IsSyncRun(_journal.Path, JournalFolder.Target, id)), Is.EqualTo(new[] { true, false, true }));
        Assert.That(JournalHistory.IsSyncRun(_journal.Path, "https://tallyfy.test/api|org2", sync), Is.False);
        Assert.That(JournalHistory.IsSyncRun(_journal.Path, JournalFolder.Target, 999), Is.False);
    }

    [Test]
    public void NoJournalYet_HistorySaysSo_AndCreatesNone()
    {
        var thrown = Assert.Throws<JournalUnavailableException>(() => JournalHistory.RecentRuns(_journal.Path, 5));

        Assert.That(thrown!.Message, Does.Contain($"there is no journal at {_journal.Path} yet"));
        Assert.That(File.Exists(_journal.Path), Is.False);
        Assert.That(JournalHistory.IsSyncRun(_journal.Path, JournalFolder.Target, 1), Is.False);
    }
}
