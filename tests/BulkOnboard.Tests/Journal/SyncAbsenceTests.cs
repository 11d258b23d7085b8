using System.Text;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Journal;

/// <summary>
/// A leaver's grace across runs: what one sync records in the journal (absences, rosters) is what the next
/// one plans from, so the count goes up once per distinct roster and the clock runs from the first miss.
/// </summary>
public class SyncAbsenceTests
{
    private const string Gone = "gone@x.example";

    private static readonly SyncOptions Grace = new() { LeaverGraceRuns = 2, LeaverGracePeriod = TimeSpan.FromDays(1) };

    private JournalFolder _journal = null!;
    private List<ValidatedRow> _roster = null!;
    private TallyfyPeople _tallyfy = null!;

    [SetUp]
    public async Task SetUp()
    {
        _journal = new JournalFolder();
        var csv = new StringBuilder("Email,Type,Role,First Name,Last Name\n");
        for (var i = 0; i < 40; i++)
        {
            csv.Append($"p{i}@x.example,member,standard,First,Last\n");
        }

        var path = Path.Combine(_journal.Folder, "roster.csv");
        File.WriteAllText(path, csv.ToString());
        using (var table = InputTable.Open(path, new HeaderMatcher(), null, CancellationToken.None))
        {
            var validator = new RowValidator(table.Columns, new ImportDefaults(null, "standard", null));
            _roster = [.. table.DataRows().Select(validator.Validate)];
        }

        var members = Enumerable.Range(0, 40).Select(i => $"p{i}@x.example").Append(Gone)
            .Select(email => new ListedPerson(email, $"id-{email}", "First", "Last", "standard", "active", false, null));
        _tallyfy = new TallyfyPeople([.. members], []);

        // BulkOnboard invited the leaver once: only its own people are ever deactivated.
        await using var import = _journal.Open();
        await import.RecordAsync(PersonKind.Member, Gone, 2, "invited", null, "id-" + Gone, maybeApplied: false, onboarded: true);
    }

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [Test]
    public async Task TheSameRosterAppliedAgain_CountsOnce_AndADistinctOne_CountsTwice()
    {
        var first = await SyncAsync("roster-a");
        _journal.Time.Advance(TimeSpan.FromDays(2));
        var again = await SyncAsync("roster-a");
        var distinct = await SyncAsync("roster-b");

        Assert.That((first.Action, again.Action, distinct.Action), Is.EqualTo((PlanAction.Hold, PlanAction.Hold, PlanAction.Deactivate)));
        Assert.That(again.Detail, Does.Contain("missing from 1 of the 2"));
        Assert.That(_journal.Scalar($"SELECT missing || ' ' || since || ' ' || last_roster_sha256 FROM sync_absences WHERE email = '{Gone}';"),
            Is.EqualTo($"2 {JournalFolder.Start:O} roster-b"), "the clock kept from the first miss");
    }

    [Test]
    public async Task EnoughDistinctRosters_StillWaitForTheGracePeriod_CountedFromTheFirstMiss()
    {
        var first = await SyncAsync("roster-a");
        _journal.Time.Advance(TimeSpan.FromHours(23));
        var early = await SyncAsync("roster-b");
        _journal.Time.Advance(TimeSpan.FromHours(1));
        var due = await SyncAsync("roster-c");

        Assert.That((first.Action, early.Action, due.Action), Is.EqualTo((PlanAction.Hold, PlanAction.Hold, PlanAction.Deactivate)));
        Assert.That(early.Detail, Does.Contain("less than Sync:LeaverGracePeriod"), "two rosters, but 23 hours");
    }

    [Test]
    public async Task APersonBackInTheRoster_LosesTheirAbsence()
    {
        await SyncAsync("roster-a");
        await using (var run = _journal.Open("roster.csv", command: "sync"))
        {
            Assert.That(run.Absences().Keys, Is.EquivalentTo(new[] { (PersonKind.Member, Gone) }));
            await run.RecordRosterAsync(41, "roster-with-gone", new Dictionary<(PersonKind, string), Absence>());
        }

        await using var next = _journal.Open("roster.csv", command: "sync");
        Assert.That(next.Absences(), Is.Empty);
    }

    [Test]
    public async Task AnAbsenceWithoutItsStartOrRoster_IsRecordedFromThisRunsClockAndRoster()
    {
        await using (var run = _journal.Open("roster.csv", command: "sync"))
        {
            await run.RecordRosterAsync(40, "roster-a", new Dictionary<(PersonKind, string), Absence> { [(PersonKind.Guest, "g@x.example")] = new(3, null, null) });
        }

        await using var next = _journal.Open("roster.csv", command: "sync");
        Assert.That(next.Absences()[(PersonKind.Guest, "g@x.example")], Is.EqualTo(new Absence(3, JournalFolder.Start, "roster-a")));
    }

    [Test]
    public async Task TheRosterBaseline_IsTheLargestAppliedWithinTheWindow_NotCountingThisRun()
    {
        // Rosters of 100, 60 and 50 people, nine, five and one day before the run that asks.
        foreach (var (people, day) in new[] { (100, 0), (60, 4), (50, 8) })
        {
            _journal.Time.SetUtcNow(JournalFolder.Start.AddDays(day));
            await using var run = _journal.Open("roster.csv", command: "sync");
            await run.RecordRosterAsync(people, $"roster-{people}", new Dictionary<(PersonKind, string), Absence>());
        }

        var today = JournalFolder.Start.AddDays(9);
        _journal.Time.SetUtcNow(today);
        await using var now = _journal.Open("roster.csv", command: "sync");
        await now.RecordRosterAsync(500, "this-run", new Dictionary<(PersonKind, string), Absence>());

        Assert.That(now.RosterBaseline(today, TimeSpan.FromDays(7)), Is.EqualTo(60), "the 100 of nine days ago is outside the window; this run's 500 is not its own baseline");
        Assert.That(now.RosterBaseline(today, TimeSpan.FromDays(10)), Is.EqualTo(100));
        Assert.That(now.RosterBaseline(today, TimeSpan.FromHours(1)), Is.Null);
    }

    /// <summary>One <c>sync --yes</c> of the 40-people roster at the fake clock's time: plan from the journal, record the roster; the leaver's change.</summary>
    private async Task<PlannedChange> SyncAsync(string rosterSha256)
    {
        await using var run = _journal.Open("roster.csv", command: "sync");
        var now = _journal.Time.GetUtcNow();
        var history = new SyncHistory(run.Onboarded(), run.RosterBaseline(now, Grace.RosterBaselineWindow), run.Absences())
        {
            Now = now,
            RosterSha256 = rosterSha256,
        };
        var plan = RosterPlanner.Plan(_roster, _tallyfy, history, Grace);
        await run.RecordRosterAsync(plan.RosterPeople, rosterSha256, plan.Missing);
        return plan.Leavers.Single();
    }
}
