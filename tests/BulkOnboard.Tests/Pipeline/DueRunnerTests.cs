using System.Net;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Pipeline;
using BulkOnboard.Plan;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>A scheduled hire whose create finds the guest in Tallyfy follows <c>--on-existing</c>, as a row of the file would.</summary>
public class DueRunnerTests
{
    private const string GuestUrl = DeliveryHarness.GuestsUrl + "/g%40x.example";

    private string _folder = null!;

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), "bulkonboard-due", Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [TestCase("update", Outcome.Updated, null)]
    [TestCase("skip", Outcome.Skipped, Outcomes.AlreadyExists)]
    public async Task AGuestHireAlreadyInTallyfy_FollowsOnExisting(string onExisting, Outcome outcome, string? reason)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        using var harness = new DeliveryHarness(); // the sender on the real clock (millisecond pacing); what is due, on the fake one
        harness.Http.When(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        harness.Http.When(HttpMethod.Get, GuestUrl).Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":4523,"first_name":"Gus","details":{"company_name":"Acme","associated_members":[7]}}}""");
        var put = harness.Http.When(HttpMethod.Put, GuestUrl).Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":4523,"details":{"associated_members":[12]}}}""");
        var path = Path.Combine(_folder, "journal.db");
        await ScheduleAsync(path, time, DeliveryHarness.Guest() with { AssociatedMembers = [12] });
        time.Advance(TimeSpan.FromDays(30));

        var runner = new DueRunner(Options.Create(new SyncOptions()), Options.Create(harness.Delivery), time, NullLogger<DueRunner>.Instance,
            Options.Create(new ImportOptions { OnExisting = onExisting }));
        await using var journal = RunJournal.Open(path, "t", "due", "due", forced: false, time, NullLogger.Instance, command: "due");
        using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(35), time);
        var result = (await runner.CarryOutAsync(journal, harness.Sender, control)).Single();

        Assert.That((result.Outcome, result.Reason), Is.EqualTo((outcome, reason)), result.Message);
        Assert.That(harness.Http.GetMatchCount(put), Is.EqualTo(onExisting == "update" ? 1 : 0));
    }

    /// <summary>A guest hire starting on 20 March in Berlin, scheduled by an import on 1 March.</summary>
    private static async Task ScheduleAsync(string path, TimeProvider time, GuestPayload guest)
    {
        await using var journal = RunJournal.Open(path, "t", "hires.csv", "sha", forced: false, time, NullLogger.Instance);
        var row = new ValidatedRow(new RawRecord(2, []), PersonKind.Guest, guest.Email, guest, [], null)
        {
            Dates = new PersonDates(new LocalDate(2026, 3, 20), null, DateTimeZoneProviders.Tzdb["Europe/Berlin"]),
        };
        var verdict = new DatePolicy(new DatesOptions(), time.GetUtcNow()).JudgeJoiner(row, "hires.csv")!;
        Assert.That(verdict.IsScheduled, Is.True, "the hire starts later than the lead time");
        await journal.ScheduleAsync([verdict.Due!]);
    }
}
