using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using static BulkOnboard.Tests.Support.SyncHarness;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>A sync's plan sends nothing but the listings, and says in plan.csv and plan.json what applying it would do.</summary>
public class SyncRunnerPlanTests
{
    private const string Header = "Email,First Name,Last Name,Type,Role\n";
    private const string Rows = "new@x.example,New,Joiner,member,standard\nguest@x.example,Gus,Guest,guest,\nstay@x.example,Mo,Ray,member,standard\nmover@x.example,Mo,Ray,member,admin\n";

    private SyncHarness _sync = null!;

    [SetUp]
    public async Task SetUp()
    {
        _sync = new SyncHarness();
        // All three are BulkOnboard's own (a sync leaves everyone else alone): their role and their leaving are its to change.
        await _sync.OnboardedEarlierAsync(PersonKind.Member, "stay@x.example", "20");
        await _sync.OnboardedEarlierAsync(PersonKind.Member, "leaver@x.example", "21");
        await _sync.OnboardedEarlierAsync(PersonKind.Member, "mover@x.example", "22");
        _sync.Lists([Member(20, "stay@x.example"), Member(21, "leaver@x.example"), Member(22, "mover@x.example")]);
    }

    [TearDown]
    public void TearDown() => _sync.Dispose();

    /// <summary>What a plan reads: the listings, then the leaver's open tasks.</summary>
    private static readonly string[] PlanReads = [.. ListingRequests, TasksOf(21)];

    [Test]
    public async Task PlanMode_SendsNothingButTheListings()
    {
        var outcome = await _sync.RunAsync(SyncMode.Plan, _sync.Roster(Header + Rows));

        Assert.That(_sync.Seen.Lines, Is.EqualTo(PlanReads));
        Assert.That(_sync.Seen.Writes, Is.Empty, "no POST, PUT or DELETE");
        Assert.That(outcome.Summary.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(outcome.Summary.Command, Is.EqualTo("sync --plan"));
    }

    [Test]
    public async Task PlanMode_WritesPlanCsv_OneLinePerRosterRowThenOnePerLeaver()
    {
        var outcome = await _sync.RunAsync(SyncMode.Plan, _sync.Roster(Header + Rows));

        Assert.That(File.ReadLines(outcome.PlanCsv).First(), Is.EqualTo("row,kind,email,action,detail,open_tasks,successor"));
        Assert.That(CsvLines(outcome.PlanCsv).Last().Skip(5), Is.EqualTo(new[] { "0", string.Empty }), "the leaver holds no open tasks, and has no successor");
        Assert.That(CsvLines(outcome.PlanCsv).Select(l => string.Join(",", l.Take(4))), Is.EqualTo(new[]
        {
            "2,member,new@x.example,invite",
            "3,guest,guest@x.example,create",
            "4,member,stay@x.example,unchanged",
            "5,member,mover@x.example,update_role",
            ",member,leaver@x.example,deactivate",
        }));
    }

    [Test]
    public async Task PlanMode_WritesPlanJson_WithTheRostersSha256_WhenPlanned_AndTheCounts()
    {
        var roster = _sync.Roster(Header + Rows);

        var outcome = await _sync.RunAsync(SyncMode.Plan, roster);

        Assert.That(Path.GetFileName(outcome.PlanJson), Is.EqualTo("roster.20261204-090000.plan.json"));
        using var json = JsonDocument.Parse(File.ReadAllText(outcome.PlanJson));
        var plan = json.RootElement;
        Assert.That(plan.GetProperty("roster_sha256").GetString(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(roster)))));
        Assert.That(plan.GetProperty("planned_at").GetDateTimeOffset(), Is.EqualTo(_sync.Time.GetUtcNow()));
        Assert.That(plan.GetProperty("roster_file").GetString(), Is.EqualTo(Path.GetFullPath(roster)));
        Assert.That(plan.GetProperty("run_id").GetInt64(), Is.EqualTo(outcome.Summary.RunId));
        var counts = plan.GetProperty("counts");
        Assert.That(new[] { "invite", "create", "unchanged", "update_role", "deactivate", "remove" }.Select(a => counts.GetProperty(a).GetInt32()),
            Is.EqualTo(new[] { 1, 1, 1, 1, 1, 0 }));
    }

    [Test]
    public async Task Apply_OfAPlanWhoseRosterChangedSince_IsRefused_AndNothingIsSent()
    {
        var roster = _sync.Roster(Header + Rows);
        var planned = await _sync.RunAsync(SyncMode.Plan, roster);
        File.AppendAllText(roster, "late@x.example,La,Te,member,standard\n");

        var refused = Assert.ThrowsAsync<StalePlanException>(() => _sync.RunAsync(SyncMode.Apply, null, planned.PlanJson, "apply"));

        Assert.That(refused!.Message, Does.Contain("changed since the plan").And.Contain("SHA-256").And.EndWith("plan again"));
        Assert.That(_sync.Seen.Lines, Is.EqualTo(PlanReads), "the apply sent nothing, not even a listing");
    }

    [TestCase("1.00:00:01", true)]
    [TestCase("23:59:59", false)]
    public async Task Apply_OfAPlanOlderThanPlanMaxAge_IsRefused_AndNothingIsSent(string age, bool isRefused)
    {
        _sync.Seen.Reply(HttpMethod.Post, "users/invite", HttpStatusCode.OK, """{"data":{"id":31,"email":"new@x.example","status":"invited"}}""");
        _sync.Seen.Reply(HttpMethod.Post, "guests", HttpStatusCode.Created, """{"data":{"id":"g1","email":"guest@x.example"}}""");
        _sync.Seen.Reply(HttpMethod.Put, "users/22/role", HttpStatusCode.OK, """{"data":{"id":22}}""");
        _sync.Seen.Reply(HttpMethod.Delete, "users/21", HttpStatusCode.OK, """{"data":{"id":21}}""");
        var planned = await _sync.RunAsync(SyncMode.Plan, _sync.Roster(Header + Rows));
        _sync.Time.Advance(TimeSpan.Parse(age, System.Globalization.CultureInfo.InvariantCulture));

        var apply = _sync.RunAsync(SyncMode.Apply, null, planned.PlanJson, "apply");

        if (isRefused)
        {
            var refused = Assert.ThrowsAsync<StalePlanException>(() => apply);
            Assert.That(refused!.Message, Does.Contain("longer ago than Sync:PlanMaxAge (1.00:00:00)").And.EndWith("plan again"));
            Assert.That(_sync.Seen.Lines, Is.EqualTo(PlanReads), "the apply sent nothing");
        }
        else
        {
            Assert.That((await apply).Summary.ExitCode, Is.EqualTo(ExitCodes.Success));
            Assert.That(_sync.Seen.Writes.Select(w => w.ToString()), Is.EquivalentTo(new[] { "POST users/invite", "POST guests", "PUT users/22/role", "DELETE users/21" }));
        }
    }

    [Test]
    public async Task Apply_WhenTallyfyNowNeedsAChangeThePlanDoesNotCover_IsRefused_AndNothingIsWritten()
    {
        var planned = await _sync.RunAsync(SyncMode.Plan, _sync.Roster(Header + Rows));

        // Since the plan, someone made stay@ an admin by hand: the roster's "standard" now calls for a role change nobody approved.
        _sync.Members = [Member(20, "stay@x.example", role: "admin"), Member(21, "leaver@x.example"), Member(22, "mover@x.example")];

        var refused = Assert.ThrowsAsync<StalePlanException>(() => _sync.RunAsync(SyncMode.Apply, null, planned.PlanJson, "apply"));

        Assert.That(refused!.Message, Does.StartWith("Tallyfy changed since the plan").And.Contain("first: update_role stay@x.example"));
        Assert.That(_sync.Seen.Writes, Is.Empty);
    }
}
