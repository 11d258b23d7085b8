using System.Globalization;
using System.Net;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Pipeline;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>
/// Dated leavers coming due are judged by the one leaver policy: the caps count every leaver action of the
/// last 24 hours (whatever path carried it out), and a held action is reported once, not at every check.
/// </summary>
public class DueLeaverPolicyTests
{
    private JournalFolder _journal = null!;

    [SetUp]
    public void SetUp() => _journal = new JournalFolder();

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [Test]
    public async Task TwoHundredWrongEndDates_CheckedEvery15MinutesForThreeDays_RemoveNobody_AndAreReportedOnce()
    {
        using var harness = new DeliveryHarness(); // the sender on the real clock (millisecond pacing); what is due, on the fake one
        harness.NoOpenTasks();
        harness.Http.When(HttpMethod.Get, DeliveryHarness.GuestsUrl + "/*").Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":1,"email":"g@x.example"}}""");
        var removes = harness.Http.When(HttpMethod.Delete, DeliveryHarness.GuestsUrl + "/*").Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":1,"email":"g@x.example"}}""");
        var guests = Enumerable.Range(0, 200).Select(i => $"g{i}@x.example").ToList();
        await ScheduleRemovalsAsync(guests, _journal.Time.GetUtcNow().AddDays(2));

        var runner = Runner(harness);
        var reported = new List<(int Check, RowResult Result)>();
        for (var check = 0; check < 3 * 96; check++)
        {
            _journal.Time.Advance(TimeSpan.FromMinutes(15));
            await using var journal = _journal.Open("due", command: "due");
            using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(35), _journal.Time);
            reported.AddRange((await runner.CarryOutAsync(journal, harness.Sender, control)).Select(r => (check, r)));
        }

        Assert.That(harness.Http.GetMatchCount(removes), Is.EqualTo(0), "200 leavers at once are more than Sync:MaxLeavers allows in 24 hours: none of them goes");
        Assert.That(reported.Select(r => r.Result.Outcome), Is.All.EqualTo(Outcome.Held));
        Assert.That(reported.Select(r => r.Check).Distinct().Count(), Is.EqualTo(1), "held once, at the check they came due; not at every check after");
        Assert.That(reported.Select(r => r.Result.Email), Is.EquivalentTo(guests));
        Assert.That(reported[0].Result.Message, Does.Contain("Sync:MaxLeavers (10) allows in 24 hours"));
    }

    [Test]
    public async Task LeaversCarriedOutBySync_CountAgainstTheDueCap_ForTwentyFourHours()
    {
        using var harness = new DeliveryHarness();
        harness.NoOpenTasks();
        harness.Http.When(HttpMethod.Get, DeliveryHarness.GuestsUrl + "/*").Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":1,"email":"g@x.example"}}""");
        var removes = harness.Http.When(HttpMethod.Delete, DeliveryHarness.GuestsUrl + "/*").Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":1,"email":"g@x.example"}}""");

        // A sync removed 8 guests an hour ago; 3 dated leavers come due now: 11 in 24 hours.
        await using (var sync = _journal.Open("roster.csv", command: "sync"))
        {
            foreach (var i in Enumerable.Range(0, 8))
            {
                await sync.RecordSyncActionAsync(new SyncActionRecord(PersonKind.Guest, $"s{i}@x.example", "remove", "removed", null, null, null, "roster.csv"));
            }
        }

        _journal.Time.Advance(TimeSpan.FromHours(1));
        await ScheduleRemovalsAsync(["d0@x.example", "d1@x.example", "d2@x.example"], _journal.Time.GetUtcNow());
        var held = await CheckAsync(harness);
        Assert.That(held.Select(r => r.Outcome).ToList(), Has.Count.EqualTo(3).And.All.EqualTo(Outcome.Held));
        Assert.That(held[0].Message, Does.Contain("11 leavers (3 now, 8 carried out in the last 24 hours)"));

        // A day after the sync's removals, the window has room: they go, without being reported as held again first.
        _journal.Time.Advance(TimeSpan.FromHours(23).Add(TimeSpan.FromMinutes(1)));
        var carried = await CheckAsync(harness);
        Assert.That(carried.Select(r => r.Outcome).ToList(), Has.Count.EqualTo(3).And.All.EqualTo(Outcome.Removed));
        Assert.That(harness.Http.GetMatchCount(removes), Is.EqualTo(3));
    }

    [Test]
    public async Task LeaversComingDue_AreReadAndRemovedSideBySide_NotOneAtATime()
    {
        // Each read and each removal is answered only once four of its kind are in flight, or all of them have
        // come (or after 10 s): one at a time, as due leavers once went, never has more than one. The run's first
        // request goes alone (the gate waits for the API's first answer), so it is let through at once.
        using var harness = new DeliveryHarness();
        harness.NoOpenTasks();
        var reads = new Rendezvous(4, expected: 9, passFirst: true);
        var removals = new Rendezvous(4, expected: 9);
        harness.Http.When(HttpMethod.Get, DeliveryHarness.GuestsUrl + "/*").Respond(async () =>
        {
            await reads.ArriveAsync();
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"data":{"id":1,"email":"g@x.example"}}""", System.Text.Encoding.UTF8, "application/json") };
        });
        harness.Http.When(HttpMethod.Delete, DeliveryHarness.GuestsUrl + "/*").Respond(async () =>
        {
            await removals.ArriveAsync();
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"data":{"id":1,"email":"g@x.example"}}""", System.Text.Encoding.UTF8, "application/json") };
        });
        await ScheduleRemovalsAsync([.. Enumerable.Range(0, 9).Select(i => $"g{i}@x.example")], _journal.Time.GetUtcNow());

        var carried = await CheckAsync(harness);

        Assert.That(carried.Select(r => r.Outcome).ToList(), Has.Count.EqualTo(9).And.All.EqualTo(Outcome.Removed));
        Assert.That((reads.MostAtOnce, removals.MostAtOnce), Is.EqualTo((4, 4)), "the reads, then the removals, go side by side in their lanes");
    }

    /// <summary>
    /// Holds each arrival until <c>count</c> are waiting together, or all <c>expected</c> have come (or 10 s pass);
    /// how many were ever in at once.
    /// </summary>
    private sealed class Rendezvous(int count, int expected, bool passFirst = false)
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;
        private int _arrived;

        public int MostAtOnce { get; private set; }

        public async Task ArriveAsync()
        {
            Task all;
            lock (_lock)
            {
                MostAtOnce = Math.Max(MostAtOnce, ++_waiting);
                all = _all.Task;
                if (++_arrived == 1 && passFirst)
                {
                    _waiting--;
                    return;
                }

                if (_waiting == count || _arrived == expected)
                {
                    _all.SetResult();
                    _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            try
            {
                await all.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                // Fewer came: let this one go, and the test tells how many were ever in at once.
            }
            finally
            {
                lock (_lock)
                {
                    _waiting--;
                }
            }
        }
    }

    private async Task<List<RowResult>> CheckAsync(DeliveryHarness harness)
    {
        await using var journal = _journal.Open("due", command: "due");
        using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(35), _journal.Time);
        return await Runner(harness).CarryOutAsync(journal, harness.Sender, control);
    }

    private DueRunner Runner(DeliveryHarness harness) =>
        new(Options.Create(new SyncOptions { MaxLeavers = 10, MaxLeaversPercent = 100 }), Options.Create(harness.Delivery), _journal.Time, NullLogger<DueRunner>.Instance);

    /// <summary>Guests BulkOnboard created, each with a removal due at <paramref name="due"/>.</summary>
    private async Task ScheduleRemovalsAsync(IReadOnlyList<string> emails, DateTimeOffset due)
    {
        await using var journal = _journal.Open("hr.csv", command: "sync");
        await journal.ScheduleAsync([.. emails.Select(e => new DueAction(PersonKind.Guest, e, "remove", due, due.ToString("u", CultureInfo.InvariantCulture), null, null, "hr.csv"))]);
        using var connection = _journal.Connect();
        foreach (var email in emails)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO onboarded (target, kind, email, run_id, at, how) VALUES ($t, 'guest', $e, 1, $at, 'created');";
            command.Parameters.AddWithValue("$t", JournalFolder.Target);
            command.Parameters.AddWithValue("$e", EmailAddress.Normalize(email));
            command.Parameters.AddWithValue("$at", due.ToString("O", CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
        }
    }
}
