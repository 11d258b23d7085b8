using System.Globalization;
using System.Net;
using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>A dated leaver coming due hands their work over by the same rule as a sync: to the manager the journal remembers, or not at all.</summary>
public class DueHandOverTests
{
    private const string Leaver = "d0@x.example";
    private const string TaskBody = """{"data":{"id":"TASK","status":"STATUS","owners":OWNERS}}""";
    private const string Owners = """{"users":[3],"guests":["d0@x.example","other@x.example"],"groups":[]}""";

    /// <summary>The owners each task holds (by id; else <see cref="_startingOwners"/>), and its status.</summary>
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _status = new(StringComparer.Ordinal);
    private string _startingOwners = Owners;
    private string? _runId;

    /// <summary>Whether a PUT's owners are kept (else Tallyfy answers 2xx and keeps the old ones), and answered with the task.</summary>
    private bool _putKeeps = true;
    private bool _putEchoes;
    private Func<string, string, HttpResponseMessage?> _putAnswer = (_, _) => null;

    private JournalFolder _journal = null!;
    private DeliveryHarness _harness = null!;
    private MockedRequest _removes = null!;
    private MockedRequest _puts = null!;
    private MockedRequest _runPuts = null!;
    private readonly List<string> _written = [];

    [SetUp]
    public void SetUp()
    {
        _journal = new JournalFolder();
        _harness = new DeliveryHarness();

        // NUnit keeps one instance for the fixture's tests: what a test changed is put back.
        _written.Clear();
        _owners.Clear();
        _status.Clear();
        _startingOwners = Owners;
        _runId = null;
        (_putKeeps, _putEchoes, _putAnswer) = (true, false, (_, _) => null);
        const string open = """{"data":[{"id":"t1","status":"not-started"},{"id":"t2","status":"not-started"}],"meta":{"pagination":{"total":2}}}""";
        _harness.Http.When(HttpMethod.Get, DeliveryHarness.GuestsUrl + "/1/tasks").Respond(HttpStatusCode.OK, "application/json", open);
        _harness.Http.When(HttpMethod.Get, DeliveryHarness.TasksUrl).Respond(HttpStatusCode.OK, "application/json", """{"data":[],"meta":{"pagination":{"total":0}}}""");
        _harness.Http.When(HttpMethod.Get, DeliveryHarness.TasksUrl + "/*").Respond(request =>
        {
            var id = request.RequestUri!.AbsolutePath[^2..];
            lock (_written)
            {
                return Json((_runId is null ? TaskBody : TaskBody.Replace("\"status\"", $"\"run_id\":\"{_runId}\",\"status\"", StringComparison.Ordinal)).Replace("TASK", id, StringComparison.Ordinal).Replace("STATUS", _status.GetValueOrDefault(id, "not-started"), StringComparison.Ordinal)
                    .Replace("OWNERS", _owners.GetValueOrDefault(id, _startingOwners), StringComparison.Ordinal));
            }
        });
        _puts = _harness.Http.When(HttpMethod.Put, DeliveryHarness.TasksUrl + "/*").Respond(Put);
        _runPuts = _harness.Http.When(HttpMethod.Put, DeliveryHarness.RunsUrl + "/r9/tasks/*").Respond(Put);
        _harness.Http.When(HttpMethod.Get, DeliveryHarness.UsersUrl).Respond(HttpStatusCode.OK, "application/json",
            """{"data":[{"id":7,"email":"boss@x.example","role":"standard","status":"active"}],"meta":{"pagination":{"total":1}}}""");
        _harness.Http.When(HttpMethod.Get, DeliveryHarness.GuestsUrl + "/*").Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":1,"email":"d0@x.example"}}""");
        _removes = _harness.Http.When(HttpMethod.Delete, DeliveryHarness.GuestsUrl + "/*").Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":1,"email":"d0@x.example"}}""");
    }

    [TearDown]
    public void TearDown()
    {
        _harness.Dispose();
        _journal.Dispose();
    }

    [Test]
    public async Task NoManagerRemembered_NoReassignTo_TheGuestWithOpenTasksIsHeld_NotRemoved()
    {
        await ScheduleAsync(manager: null);

        var result = (await CheckAsync()).Single();

        Assert.That((result.Outcome, result.Message), Is.EqualTo((Outcome.Held,
            "held: no one to take over 2 open tasks (no manager who stays, and Sync:ReassignTo is not set) (due 2026-03-01 09:00:00Z; it stays pending, and is reported again only if what holds it changes)")));
        Assert.That((_harness.Http.GetMatchCount(_removes), _harness.Http.GetMatchCount(_puts)), Is.EqualTo((0, 0)));
    }

    [TestCase(true, TestName = "TheAnswerShowsTheOwners")]
    [TestCase(false, TestName = "TheAnswerDoesNot_TheTaskIsReadBack")]
    public async Task TheManagerTheJournalRemembers_TakesEachOpenTask_TheOtherAssigneesKept_ThenTheGuestIsRemoved(bool echoes)
    {
        await ScheduleAsync(manager: "boss@x.example");
        _putEchoes = echoes;

        var result = (await CheckAsync()).Single();

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Removed), result.Message);
        Assert.That(result.Message, Does.Contain("2 open tasks go to boss@x.example (manager)").And.Contain("2 open tasks handed to boss@x.example").And.Contain("read back: 0 incomplete tasks left on them"));
        Assert.That(_written.Order(), Is.EqualTo(new[]
        {
            """t1 {"owners":{"users":[3,7],"guests":["other@x.example"],"groups":[]}}""",
            """t2 {"owners":{"users":[3,7],"guests":["other@x.example"],"groups":[]}}""",
        }));
        Assert.That(_harness.Http.GetMatchCount(_removes), Is.EqualTo(1));
    }

    [TestCase("""{"users":[3],"guests":["d0@x.example","other@x.example"]}""", TestName = "NoGroupsKey")]
    [TestCase("""{"groups":[5],"guests":["d0@x.example"]}""", TestName = "NoUsersKey")]
    [TestCase("""{"users":[3],"groups":{"total":1},"guests":["d0@x.example"]}""", TestName = "GroupsNotAList")]
    public async Task ATaskWhoseOwnerListsAreNotAllShown_IsNeverWritten_AndTheGuestIsNotRemoved(string owners)
    {
        await ScheduleAsync(manager: "boss@x.example");
        _startingOwners = owners;

        var result = (await CheckAsync()).Single();

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Failed), result.Message);
        Assert.That(result.Message, Does.Contain("not removed: task t").And.Contain("does not show all of its owners"));
        Assert.That((_harness.Http.GetMatchCount(_removes), _harness.Http.GetMatchCount(_puts)), Is.EqualTo((0, 0)), string.Join("\n", _written));
    }

    [Test]
    public async Task AProcessStep_IsWrittenThroughItsRunsPath()
    {
        await ScheduleAsync(manager: "boss@x.example");
        _runId = "r9";

        var result = (await CheckAsync()).Single();

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Removed), result.Message);
        Assert.That((_harness.Http.GetMatchCount(_runPuts), _harness.Http.GetMatchCount(_puts)), Is.EqualTo((2, 0)));
    }

    [Test]
    public async Task A2xxWhoseTaskDoesNotHoldTheSuccessor_IsNotAHandOver_AndTheGuestIsNotRemoved()
    {
        await ScheduleAsync(manager: "boss@x.example");
        _putKeeps = false;

        var result = (await CheckAsync()).Single();

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Failed), result.Message);
        Assert.That(result.Message, Does.Contain("not removed: task t1 could not be handed to boss@x.example (Tallyfy answered the update of task t1, but the task does not hold member 7: not handed over)"));
        Assert.That(_harness.Http.GetMatchCount(_removes), Is.EqualTo(0));
    }

    [Test]
    public async Task ATaskCompletedMeanwhile_422_IsNoLongerOpen_NotAFailure()
    {
        await ScheduleAsync(manager: "boss@x.example");
        _putAnswer = (id, _) =>
        {
            if (id != "t1")
            {
                return null;
            }

            _status["t1"] = "completed";
            return Json("""{"message":"The task is already completed."}""", HttpStatusCode.UnprocessableEntity);
        };

        var result = (await CheckAsync()).Single();

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Removed), result.Message);
        Assert.That(result.Message, Does.Contain("1 open tasks handed to boss@x.example").And.Contain("read back: 0 incomplete tasks left on them"));
    }

    /// <summary>A PUT of a task's owners (one-off or a run's step): recorded, answered as the test set it.</summary>
    private async Task<HttpResponseMessage> Put(HttpRequestMessage request)
    {
        var id = request.RequestUri!.AbsolutePath[^2..];
        var body = await request.Content!.ReadAsStringAsync();
        string answer;
        lock (_written)
        {
            _written.Add(id + " " + body);
            if (_putAnswer(id, body) is { } refused)
            {
                return refused;
            }

            var owners = JsonDocument.Parse(body).RootElement.GetProperty("owners").GetRawText();
            _owners[id] = _putKeeps ? owners : _owners.GetValueOrDefault(id, _startingOwners);
            answer = _putEchoes ? TaskBody.Replace("TASK", id, StringComparison.Ordinal).Replace("STATUS", "not-started", StringComparison.Ordinal).Replace("OWNERS", owners, StringComparison.Ordinal) : """{"data":{"id":"t"}}""";
        }

        return Json(answer);
    }

    private static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };

    private async Task<List<RowResult>> CheckAsync()
    {
        await using var journal = _journal.Open("due", command: "due");
        using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(35), _journal.Time);
        var runner = new DueRunner(Options.Create(new SyncOptions { MaxLeavers = 10, MaxLeaversPercent = 100 }), Options.Create(_harness.Delivery), _journal.Time, NullLogger<DueRunner>.Instance);
        return await runner.CarryOutAsync(journal, _harness.Sender, control);
    }

    /// <summary>A guest BulkOnboard created, whose removal is due now; the last roster named <paramref name="manager"/> as theirs.</summary>
    private async Task ScheduleAsync(string? manager)
    {
        var due = _journal.Time.GetUtcNow();
        await using (var journal = _journal.Open("hr.csv", command: "sync"))
        {
            await journal.ScheduleAsync([new DueAction(PersonKind.Guest, Leaver, "remove", due, "2026-03-01 09:00:00Z", null, null, "hr.csv")]);
            await journal.RecordRosterAsync(1, "hr-sha", new Dictionary<(PersonKind, string), Absence>(),
                manager is null ? null : new Dictionary<string, string?> { [Leaver] = manager });
        }

        using var connection = _journal.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO onboarded (target, kind, email, run_id, at, how) VALUES ($t, 'guest', $e, 1, $at, 'created');";
        command.Parameters.AddWithValue("$t", JournalFolder.Target);
        command.Parameters.AddWithValue("$e", Leaver);
        command.Parameters.AddWithValue("$at", due.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }
}
