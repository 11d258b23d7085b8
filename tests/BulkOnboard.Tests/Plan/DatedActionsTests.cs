using System.Net;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Pipeline;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;
using RichardSzalay.MockHttp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace BulkOnboard.Tests.Plan;

/// <summary>
/// Dated actions on fake time, over zones far apart (+14, −12, +5:30, +5:45 among them) and both DST
/// transitions of Europe/Berlin and America/New_York: every action is carried out within one check
/// interval of its due time, and never before it.
/// </summary>
public class DatedActionsTests
{
    private static readonly string[] Zones =
    [
        "Pacific/Kiritimati", "Etc/GMT+12", "Asia/Kolkata", "Asia/Kathmandu", "Europe/Berlin", "America/New_York",
        "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "UTC",
    ];

    /// <summary>Start dates around the DST changes of Berlin (29 March, 25 October 2026) and New York (8 March, 1 November 2026), and ordinary ones.</summary>
    private static readonly LocalDate[] Starts =
    [
        new(2026, 3, 8), new(2026, 3, 9), new(2026, 3, 29), new(2026, 3, 30), new(2026, 4, 5), new(2026, 10, 25), new(2026, 10, 26),
        new(2026, 11, 1), new(2026, 11, 2), new(2026, 11, 8), new(2026, 12, 31), new(2027, 1, 1),
    ];

    private string _folder = null!;

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), "bulkonboard-dated", Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public void JoinDue_IsTheStartOfTheLeadDayInThePersonsZone_EvenOnADstChange()
    {
        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var newYork = DateTimeZoneProviders.Tzdb["America/New_York"];

        // Berlin's clocks go from 02:00 to 03:00 on 29 March 2026; midnight exists; a week later is CEST.
        Assert.That(new PersonDates(new LocalDate(2026, 4, 5), null, berlin).JoinDue(7), Is.EqualTo(Instant.FromUtc(2026, 3, 28, 23, 0)));
        Assert.That(new PersonDates(new LocalDate(2026, 4, 6), null, berlin).JoinDue(7), Is.EqualTo(Instant.FromUtc(2026, 3, 29, 22, 0)));
        Assert.That(new PersonDates(null, new LocalDate(2026, 11, 1), newYork).EndsAt, Is.EqualTo(Instant.FromUtc(2026, 11, 2, 5, 0)), "the last day of EDT ends at midnight EST");
        Assert.That(new PersonDates(null, new LocalDate(2026, 12, 31), DateTimeZoneProviders.Tzdb["Pacific/Kiritimati"]).EndsAt, Is.EqualTo(Instant.FromUtc(2026, 12, 31, 10, 0)));
    }

    [Test]
    public async Task EveryDatedAction_IsCarriedOutWithinOneCheck_OfItsDueTime_NeverBefore()
    {
        var checkEvery = TimeSpan.FromMinutes(15);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 20, 0, 7, 0, TimeSpan.Zero));
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(), time);
        var sentAt = new Dictionary<string, DateTimeOffset>();
        harness.Http.When(DeliveryHarness.InviteUrl).Respond(request =>
        {
            var email = System.Text.Json.JsonDocument.Parse(request.Content!.ReadAsStringAsync().Result).RootElement.GetProperty("email").GetString()!;
            lock (sentAt)
            {
                sentAt[email] = time.GetUtcNow();
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"data":{"id":7,"status":"invited"}}""") };
        });

        var path = Path.Combine(_folder, "journal.db");
        var dates = new DatesOptions { InviteLeadDays = 7 };
        var due = new Dictionary<string, DateTimeOffset>();
        await using (var journal = RunJournal.Open(path, "t", "hires.csv", "sha", forced: false, time, NullLogger.Instance))
        {
            var policy = new DatePolicy(dates, time.GetUtcNow());
            var scheduled = new List<DueAction>();
            foreach (var (zone, start, n) in Zones.SelectMany(z => Starts.Select(s => (z, s))).Select((x, n) => (x.z, x.s, n)))
            {
                var email = $"hire{n}@x.example";
                var row = new ValidatedRow(new RawRecord(n + 2, []), PersonKind.Member, email, DeliveryHarness.Member(email), [], null)
                {
                    Dates = new PersonDates(start, null, DateTimeZoneProviders.Tzdb[zone]),
                };
                var verdict = policy.JudgeJoiner(row, "hires.csv")!;
                Assert.That(verdict.IsScheduled, Is.True, $"{zone} {start}");
                scheduled.Add(verdict.Due!);
                due[email] = verdict.Due!.DueAt;
            }

            await journal.ScheduleAsync(scheduled);
        }

        // The watch service's clock: a check every 15 minutes, from 20 February to 10 January.
        var runner = new DueRunner(Options.Create(new SyncOptions()), Options.Create(harness.Delivery), time, NullLogger<DueRunner>.Instance);
        while (time.GetUtcNow() < new DateTimeOffset(2027, 1, 10, 0, 0, 0, TimeSpan.Zero) && sentAt.Count < due.Count)
        {
            if (JournalHistory.HasDue(path, "t", time.GetUtcNow()))
            {
                await using var journal = RunJournal.Open(path, "t", "due", "due", forced: false, time, NullLogger.Instance, command: "due");
                using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(35), time);
                await runner.CarryOutAsync(journal, harness.Sender, control);
            }

            time.Advance(checkEvery);
        }

        Assert.That(sentAt, Has.Count.EqualTo(Zones.Length * Starts.Length), "every hire invited once");
        var early = due.Where(d => sentAt[d.Key] < d.Value).ToList();
        var late = due.Where(d => sentAt[d.Key] - d.Value >= checkEvery).ToList();
        Assert.That(early, Is.Empty, "0 early actions");
        Assert.That(late, Is.Empty, "each within one check interval");
    }
}
