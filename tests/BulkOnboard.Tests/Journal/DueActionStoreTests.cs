using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Journal;

/// <summary>Dated actions in the journal (<c>due_actions</c>): pending until carried out or cancelled, and handed out only once due.</summary>
public class DueActionStoreTests
{
    private static readonly DateTimeOffset Start = JournalFolder.Start;

    private JournalFolder _journal = null!;

    [SetUp]
    public void SetUp() => _journal = new JournalFolder();

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [Test]
    public async Task PendingDue_ReturnsOnlyTheActionsDueByThatTime_SoonestFirst()
    {
        await ScheduleAsync(
            Action("later@x.example", "invite", Start.AddDays(3)),
            Action("soon@x.example", "invite", Start.AddHours(1)),
            Action("leaver@x.example", "deactivate", new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.FromHours(1))));

        await using var run = _journal.Open();

        Assert.That(run.PendingDue(Start).Select(a => a.Email), Is.Empty);
        Assert.That(run.PendingDue(Start.AddHours(1)).Select(a => a.Email), Is.EqualTo(new[] { "soon@x.example" }), "due at that very moment");
        Assert.That(run.PendingDue(Start.AddDays(1)).Select(a => a.Email), Is.EqualTo(new[] { "soon@x.example", "leaver@x.example" }), "23:00 UTC is before 09:00 the next day");
        Assert.That(run.PendingDue().Select(a => a.Email), Is.EqualTo(new[] { "soon@x.example", "leaver@x.example", "later@x.example" }));

        var soon = run.PendingDue(Start.AddHours(1)).Single();
        Assert.That(soon with { Id = 0 }, Is.EqualTo(Action("soon@x.example", "invite", Start.AddHours(1))), "every field read back");
        Assert.That(soon.Id, Is.GreaterThan(0));
    }

    [Test]
    public async Task ActionsDoneCancelledOrFailed_AreNoLongerPending()
    {
        await ScheduleAsync(
            Action("done@x.example", "invite", Start), Action("cancelled@x.example", "invite", Start),
            Action("failed@x.example", "invite", Start), Action("waiting@x.example", "invite", Start));

        await using (var run = _journal.Open("due", command: "due"))
        {
            var due = run.PendingDue(Start).ToDictionary(a => a.Email, a => a.Id);
            await run.SettleDueAsync(due["done@x.example"], RunJournal.DueDone, "invited");
            await run.SettleDueAsync(due["cancelled@x.example"], RunJournal.DueCancelled, "withdrawn");
            await run.SettleDueAsync(due["failed@x.example"], "failed", "422: email is invalid");
        }

        await using var next = _journal.Open("due", command: "due");
        Assert.That(next.PendingDue(Start.AddDays(1)).Select(a => a.Email), Is.EqualTo(new[] { "waiting@x.example" }));
        Assert.That(_journal.Scalar("SELECT group_concat(email || '=' || state || ':' || outcome, ' ') FROM (SELECT * FROM due_actions WHERE state <> 'pending' ORDER BY email);"),
            Is.EqualTo("cancelled@x.example=cancelled:withdrawn done@x.example=done:invited failed@x.example=failed:422: email is invalid"));
    }

    [Test]
    public async Task SchedulingThePersonsActionAgain_MovesIt_InsteadOfAddingASecond()
    {
        await ScheduleAsync(Action("Ann@X.example", "invite", Start.AddDays(3)));
        await ScheduleAsync(Action("ann@x.example", "invite", Start.AddDays(10)), Action("ann@x.example", "deactivate", Start.AddDays(90)));

        await using var run = _journal.Open();

        Assert.That(run.PendingDue().Select(a => (a.Email, a.Action, a.DueAt)),
            Is.EqualTo(new[] { ("ann@x.example", "invite", Start.AddDays(10)), ("ann@x.example", "deactivate", Start.AddDays(90)) }));
    }

    [Test]
    public async Task CancelDue_CancelsWhatTheRosterNoLongerSchedules_AndWhatWasCarriedOutNow()
    {
        await ScheduleAsync(
            Action("kept@x.example", "invite", Start.AddDays(3)),
            Action("withdrawn@x.example", "invite", Start.AddDays(3)),
            Action("joined@x.example", "invite", Start.AddDays(3)),
            Action("joined@x.example", "deactivate", Start.AddDays(60)));
        var keep = new HashSet<(PersonKind, string, string)>
        {
            (PersonKind.Member, "kept@x.example", "invite"), (PersonKind.Member, "joined@x.example", "invite"), (PersonKind.Member, "joined@x.example", "deactivate"),
        };

        long cancelled;
        await using (var run = _journal.Open("roster.csv", command: "sync"))
        {
            cancelled = await run.CancelDueAsync(keep, [(PersonKind.Member, "Joined@x.example", false)], "not in the roster any more");
        }

        await using var next = _journal.Open();
        Assert.That(cancelled, Is.EqualTo(2));
        Assert.That(next.PendingDue().Select(a => (a.Email, a.Action)),
            Is.EqualTo(new[] { ("kept@x.example", "invite"), ("joined@x.example", "deactivate") }), "a joiner's invite carried out now settles the invite, not the leaving");
        Assert.That(_journal.Scalar("SELECT outcome FROM due_actions WHERE email = 'withdrawn@x.example';"), Is.EqualTo("not in the roster any more"));
    }

    [Test]
    public async Task CancelDue_WithNothingToCancel_WritesNothing()
    {
        await ScheduleAsync(Action("kept@x.example", "invite", Start.AddDays(3)));

        await using var run = _journal.Open();

        Assert.That(await run.CancelDueAsync(null, [(PersonKind.Guest, "kept@x.example", false)], "another kind"), Is.EqualTo(0));
        Assert.That(run.PendingDue(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task HasDue_TellsTheWatchServiceWhetherToStartARun_WithoutOne()
    {
        Assert.That(JournalHistory.HasDue(_journal.Path, JournalFolder.Target, Start), Is.False, "no journal yet");
        await ScheduleAsync(Action("soon@x.example", "invite", Start.AddHours(1)));
        var runs = _journal.Scalar("SELECT COUNT(*) FROM runs;");

        Assert.That(JournalHistory.HasDue(_journal.Path, JournalFolder.Target, Start.AddMinutes(59)), Is.False);
        Assert.That(JournalHistory.HasDue(_journal.Path, JournalFolder.Target, Start.AddHours(1)), Is.True);
        Assert.That(JournalHistory.HasDue(_journal.Path, "https://tallyfy.test/api|org2", Start.AddDays(1)), Is.False, "another organization's");
        Assert.That(_journal.Scalar("SELECT COUNT(*) FROM runs;"), Is.EqualTo(runs), "asking starts no run");
        Assert.That(JournalHistory.PendingDue(_journal.Path, "SOON@x.example").Select(d => (d.Action, d.DueLocal, d.Source)),
            Is.EqualTo(new[] { ("invite", "local time of soon@x.example", (string?)"hires.csv") }));
    }

    private static DueAction Action(string email, string action, DateTimeOffset due) =>
        new(PersonKind.Member, email, action, due, $"local time of {email.ToLowerInvariant()}", action == "invite" ? """{"email":"x"}""" : null,
            action == "invite" ? null : "m-1", "hires.csv");

    private async Task ScheduleAsync(params DueAction[] actions)
    {
        await using var run = _journal.Open("hires.csv");
        await run.ScheduleAsync(actions);
    }
}
