using System.Globalization;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Approvals inside Tallyfy (PRODUCT.md): a sync that holds leavers asks one approval task; <c>bulkonboard approvals</c>
/// applies exactly what an approver approved (minus exclusions), nothing on a rejection or a completion by BulkOnboard's
/// own user, and asks again when the roster changed. Counted from the sandbox's own people.
/// </summary>
public class ApprovalTests
{
    private const string Approver = "approver@contoso.example";
    private const int People = 12;
    private const int Leaving = 6;

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    private static string Email(int i) => $"p{i}@contoso.example";

    private async Task StartAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { ExistingMembers = [Approver] });
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        _settings["Sync:LeaverGraceRuns"] = "1";
        _settings["Sync:LeaverGracePeriod"] = "00:00:00";
        _settings["Sync:MaxLeavers"] = "2";
        _settings["Sync:MaxLeaversPercent"] = "100";
        _settings["Sync:MinRosterPercent"] = "1";
        _settings["Sync:Approval:Approvers:0"] = Approver;
    }

    private string Roster(string name, IEnumerable<int> people, string extra = "")
    {
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Role\n");
        csv.Append(CultureInfo.InvariantCulture, $"{Approver},Ann,Prover,member,standard\n");
        foreach (var i in people)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{Email(i)},P,{i},member,standard\n");
        }

        return _workspace.Write(name, csv.Append(extra).ToString());
    }

    private Task<CliResult> Run(params string[] args) => CliRun.RunAsync(_settings, [.. args, "--out", Path.Combine(_workspace.Folder, $"out-{Guid.NewGuid():N}")]);

    private SandboxTask OpenApproval() => _sandbox.State.Tasks.Values.Single(t => t.Title.StartsWith("BulkOnboard: approve", StringComparison.Ordinal) && t.IsOpen);

    private IEnumerable<string> Deactivated => Enumerable.Range(0, People).Select(Email).Where(e => _sandbox.State.Members[e].Fields.GetValueOrDefault("status") == "disabled");

    private long Id(string email) => long.Parse(_sandbox.State.Members[email].Id, CultureInfo.InvariantCulture);

    /// <summary>Day 1 onboards everyone; day 2 drops the first <see cref="Leaving"/>, more than Sync:MaxLeavers: all held, one task asked.</summary>
    private async Task<(string Roster, SandboxTask Task)> HeldAsync()
    {
        await StartAsync();
        var day1 = await Run("sync", Roster("day1.csv", Enumerable.Range(0, People)), "--yes");
        Assert.That(day1.ExitCode, Is.EqualTo(0), day1.Error);
        foreach (var email in _sandbox.State.Members.Keys.ToList())
        {
            _sandbox.State.AcceptInvitation(email);
        }

        var roster = Roster("day2.csv", Enumerable.Range(Leaving, People - Leaving));
        var day2 = await Run("sync", roster, "--yes");
        Assert.That(day2.ExitCode, Is.EqualTo(5), day2.Error);
        var again = await Run("sync", roster, "--yes");
        Assert.That(again.ExitCode, Is.EqualTo(5), again.Error);
        Assert.That(_sandbox.State.Tasks.Values.Count(t => t.Title.StartsWith("BulkOnboard: approve", StringComparison.Ordinal)), Is.EqualTo(1), "the same roster again asks no second task");
        return (roster, OpenApproval());
    }

    private static readonly string[] Cases = ["approve", "reject", "exclude", "self", "reopen", "roster-changed", "too-old", "bad-exclusion"];

    [Test]
    public async Task RandomizedDecisions_TheSetAppliedIsTheSetApproved([Range(0, 49)] int seed)
    {
        var random = new Random(seed);
        var decision = Cases[seed % Cases.Length];
        var (roster, task) = await HeldAsync();
        Assert.That(task.Title, Does.Contain($"{Leaving} held"));
        var field = task.FormFields.Single(f => f.Label.StartsWith("Exclude", StringComparison.Ordinal)).Id;
        var leavers = Enumerable.Range(0, Leaving).Select(Email).ToList();
        var excluded = leavers.Where(_ => random.Next(3) == 0).ToList();
        IEnumerable<string> approved = [];
        switch (decision)
        {
            case "approve":
                _sandbox.State.CompleteTask(task.Id, Id(Approver), approved: true);
                approved = leavers;
                break;
            case "reject":
                _sandbox.State.CompleteTask(task.Id, Id(Approver), approved: false);
                break;
            case "exclude":
                _sandbox.State.CompleteTask(task.Id, Id(Approver), approved: true, new Dictionary<string, string> { [field] = string.Join("\n", excluded) });
                approved = leavers.Except(excluded);
                break;
            case "self":
                // BulkOnboard's own token completes it (for itself): never an approver's decision.
                _sandbox.State.CompleteTask(task.Id, long.Parse(_sandbox.State.TokenUser.Id, CultureInfo.InvariantCulture), approved: true);
                break;
            case "reopen":
                _sandbox.State.CompleteTask(task.Id, Id(Approver), approved: true);
                _sandbox.State.ReopenTask(task.Id);
                var waiting = await Run("approvals");
                Assert.That((waiting.ExitCode, Deactivated.Count()), Is.EqualTo((0, 0)), "reopened: it waits");
                _sandbox.State.CompleteTask(task.Id, Id(Approver), approved: true);
                approved = leavers;
                break;
            case "roster-changed":
                _sandbox.State.CompleteTask(task.Id, Id(Approver), approved: true);
                File.AppendAllText(roster, $"{Email(0)},P,0,member,standard\n");
                break;
            case "too-old":
                _sandbox.State.CompleteTask(task.Id, Id(Approver), approved: true);
                break;
            case "bad-exclusion":
                // An entry that names no held change (a name, a typo) applies nothing until it is put right.
                _sandbox.State.CompleteTask(task.Id, Id(Approver), approved: true, new Dictionary<string, string> { [field] = $"{leavers[0]}\nBob Smith" });
                break;
        }

        var clock = new ShiftedClock();
        if (decision == "too-old")
        {
            // Approved after Sync:PlanMaxAge (24 h): the plan may no longer say what Tallyfy and the roster hold.
            clock.Advance(TimeSpan.FromHours(25));
        }

        var result = await CliRun.RunAtAsync(clock, _settings, "approvals", "--out", Path.Combine(_workspace.Folder, "approvals"));
        Assert.That(result.ExitCode, Is.EqualTo(0).Or.EqualTo(5), result.Error + result.Out);
        Assert.That(Deactivated.Order(), Is.EqualTo(approved.Order()), $"{decision}: the set applied is the set approved\n{result.Out}");
        if (decision is "roster-changed" or "too-old")
        {
            Assert.That(_sandbox.State.Tasks[task.Id].Archived, Is.True, "the stale task is archived");
            Assert.That(result.Out, Does.Contain("stale"));
        }

        if (decision is "approve" or "exclude" or "reject")
        {
            Assert.That(_sandbox.State.CommentsOn(task.Id), Is.Not.Empty, "the decision is answered with a comment");
            var later = await Run("approvals");
            Assert.That(Deactivated.Order(), Is.EqualTo(approved.Order()), "a second read applies nothing more");
            Assert.That(later.Out, Does.Contain("No approval task is open"));
        }
    }

    [Test]
    public async Task TheWatchService_ActsOnAnApproval_WithinOnePollInterval_WithNoWebhook_AndAForgedWebhookIsRefused()
    {
        var (_, task) = await HeldAsync();
        var inbox = Path.Combine(_workspace.Folder, "inbox");
        Directory.CreateDirectory(inbox);
        var port = BulkOnboard.Tests.Support.WebhookReceiver.FreePort();
        _settings["Monitoring:Urls"] = port.ToString(CultureInfo.InvariantCulture);
        _settings["Sync:Approval:PollEvery"] = "00:00:02";
        _settings["Watch:ScanInterval"] = "00:00:00.200";
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var service = CliRun.RunAsync(_settings, ["watch", "--inbox", inbox], stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        HttpResponseMessage? forged = null;
        for (var i = 0; i < 300 && forged is null && !service.IsCompleted; i++)
        {
            try
            {
                using var webhook = new HttpRequestMessage(HttpMethod.Post, "/approvals/webhook") { Content = new StringContent($$"""{"id":"{{task.Id}}","status":"completed","is_approved":true}""") };
                webhook.Headers.Add("X-Tallyfy-orgID", "some-other-org");
                forged = await http.SendAsync(webhook);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        Assert.That(forged?.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Forbidden), "a webhook of another organization is refused");
        Assert.That(Deactivated, Is.Empty, "and changes nothing");

        // Decided in Tallyfy with no webhook at all: the poll reads it.
        var decidedAt = DateTime.UtcNow;
        _sandbox.State.CompleteTask(task.Id, Id(Approver), approved: true);
        while (Deactivated.Count() < Leaving && DateTime.UtcNow - decidedAt < TimeSpan.FromSeconds(60) && !service.IsCompleted)
        {
            await Task.Delay(100);
        }

        var took = DateTime.UtcNow - decidedAt;
        await stop.CancelAsync();
        await service;
        Assert.That(Deactivated.Order(), Is.EqualTo(Enumerable.Range(0, Leaving).Select(Email).Order()), "the approved leavers went");
        TestContext.Out.WriteLine($"acted on {took.TotalSeconds:0.0} s after the decision (Sync:Approval:PollEvery 2 s)");
    }
}
