using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// The sandbox's one-off tasks and approvals (TALLYFY-API.md, "Tasks and approvals"): completion with a decision and a
/// completer (override_user included), assignees only, reopen, archive, the comment cap, and the webhook sent once.
/// </summary>
public class SandboxApprovalsTests
{
    private SandboxServer _sandbox = null!;
    private HttpClient _http = null!;

    private string Org => $"organizations/{_sandbox.Options.OrganizationId}";

    private long Me => long.Parse(_sandbox.State.TokenUser.Id);

    private long IdOf(string email) => long.Parse(_sandbox.State.Members[email].Id);

    private async Task Start(SandboxOptions? options = null)
    {
        options ??= new SandboxOptions();
        options.ExistingMembers = ["boss@contoso.example", "peer@contoso.example"];
        _sandbox = await SandboxServer.StartAsync(options);
        _http = new HttpClient();
        TallyfyClient.Configure(_http, new TallyfyOptions { BaseUrl = _sandbox.BaseUrl.ToString() });
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _sandbox.Options.AccessToken);
    }

    [TearDown]
    public async Task TearDown()
    {
        _http?.Dispose();
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseHeaders Headers)> Send(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return (response.StatusCode, document.RootElement.Clone(), response.Headers);
    }

    private static Dictionary<string, object?> Approval(long[] users, bool onlyAssignees = false, string[]? groups = null, string? webhook = null) => new()
    {
        ["title"] = "Approve 3 held changes",
        ["task_type"] = "approval",
        ["owners"] = new { users, guests = Array.Empty<string>(), groups = groups ?? [] },
        ["deadline"] = "2026-03-05T17:00:00Z",
        ["summary"] = "plan sha256 abc",
        ["form_fields"] = new[] { new { label = "Exclude (one email per line)", field_type = "textarea", required = false } },
        ["can_complete_only_assignees"] = onlyAssignees,
        ["webhook"] = webhook,
    };

    private async Task<JsonElement> Create(Dictionary<string, object?> body)
    {
        var (status, created, _) = await Send(HttpMethod.Post, $"{Org}/tasks", body);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), created.ToString());
        return created.GetProperty("data");
    }

    private async Task<JsonElement> Read(string id) => (await Send(HttpMethod.Get, $"{Org}/tasks/{id}?with=form_fields")).Body.GetProperty("data");

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseHeaders Headers)> Complete(object body) => Send(HttpMethod.Post, $"{Org}/completed-tasks", body);

    [Test]
    public async Task CreateApproval_Is201NotStarted_WithItsFormFieldIds_AndAMissingOrWrongRequiredFieldIs422()
    {
        await Start();
        var boss = IdOf("boss@contoso.example");

        var task = await Create(Approval([boss], onlyAssignees: true));

        Assert.That(task.GetProperty("task_type").GetString(), Is.EqualTo("approval"));
        Assert.That(task.GetProperty("status").GetString(), Is.EqualTo("not-started"));
        Assert.That(task.GetProperty("is_completable").GetBoolean(), Is.True);
        Assert.That(task.GetProperty("is_approved").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(task.GetProperty("completer_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(task.GetProperty("can_complete_only_assignees").GetBoolean(), Is.True);
        Assert.That(task.GetProperty("owners").GetProperty("users").EnumerateArray().Select(u => u.GetInt64()), Is.EqualTo(new[] { boss }));
        var field = task.GetProperty("form_fields").EnumerateArray().Single();
        Assert.That(field.GetProperty("id").GetString(), Is.Not.Empty);

        var read = await Read(task.GetProperty("id").GetString()!);
        Assert.That(read.GetProperty("summary").GetString(), Is.EqualTo("plan sha256 abc"));
        Assert.That(read.GetProperty("form_fields").EnumerateArray().Single().GetProperty("label").GetString(), Is.EqualTo("Exclude (one email per line)"));

        foreach (var (key, value) in new (string, object?)[] { ("deadline", null), ("task_type", "vote"), ("title", new string('x', 601)), ("owners", null) })
        {
            var body = Approval([boss]);
            body[key] = value;
            var (status, refusal, _) = await Send(HttpMethod.Post, $"{Org}/tasks", body);
            Assert.That(status, Is.EqualTo(HttpStatusCode.UnprocessableEntity), key);
            Assert.That(refusal.GetProperty("errors").TryGetProperty(key, out _), Is.True, refusal.ToString());
        }

        Assert.That(_sandbox.State.Tasks, Has.Count.EqualTo(1), "nothing is created on a 422");
    }

    [Test]
    public async Task Completion_RecordsTheDecision_TheTokensOwnUser_TheTimeAndTheFormValues_AndAnApprovalNeedsADecision()
    {
        await Start();
        var (_, me, _) = await Send(HttpMethod.Get, $"{Org}/me");
        var (_, meAtRoot, _) = await Send(HttpMethod.Get, "me");
        Assert.That(me.GetProperty("data").GetProperty("id").GetInt64(), Is.EqualTo(Me));
        Assert.That(meAtRoot.GetProperty("data").GetProperty("id").GetInt64(), Is.EqualTo(Me));

        var approved = await Create(Approval([Me]));
        var rejected = await Create(Approval([Me]));
        var fieldId = approved.GetProperty("form_fields")[0].GetProperty("id").GetString()!;

        var (undecided, refusal, _) = await Complete(new { task_id = approved.GetProperty("id").GetString() });
        Assert.That(undecided, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(refusal.GetProperty("errors").TryGetProperty("is_approved", out _), Is.True);

        var form = new Dictionary<string, string> { [fieldId] = "ada@contoso.example" };
        Assert.That((await Complete(new { task_id = approved.GetProperty("id").GetString(), is_approved = true, form_fields = form })).Status, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await Complete(new { task_id = rejected.GetProperty("id").GetString(), is_approved = false })).Status, Is.EqualTo(HttpStatusCode.Created));

        var yes = await Read(approved.GetProperty("id").GetString()!);
        var no = await Read(rejected.GetProperty("id").GetString()!);
        Assert.That(yes.GetProperty("status").GetString(), Is.EqualTo("completed"));
        Assert.That(yes.GetProperty("is_approved").GetBoolean(), Is.True);
        Assert.That(no.GetProperty("is_approved").GetBoolean(), Is.False);
        Assert.That(yes.GetProperty("completer_id").GetInt64(), Is.EqualTo(Me));
        Assert.That(yes.GetProperty("completed_at").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
        Assert.That(yes.GetProperty("form_fields")[0].GetProperty("value").GetString(), Is.EqualTo("ada@contoso.example"));

        var (again, _, _) = await Complete(new { task_id = approved.GetProperty("id").GetString(), is_approved = false });
        Assert.That(again, Is.EqualTo(HttpStatusCode.UnprocessableEntity), "a completed task is not completed again");
        Assert.That(_sandbox.State.Tasks[approved.GetProperty("id").GetString()!].IsApproved, Is.True);
    }

    [Test]
    public async Task OverrideUser_RecordsTheOtherMemberAsCompleter_TheStateKnowsTheTokenDidIt()
    {
        await Start();
        var boss = IdOf("boss@contoso.example");
        var task = await Create(Approval([boss], onlyAssignees: true));
        var id = task.GetProperty("id").GetString()!;

        Assert.That((await Complete(new { task_id = id, is_approved = true, override_user = 999999 })).Status, Is.EqualTo(HttpStatusCode.UnprocessableEntity), "no such member");
        var (status, _, _) = await Complete(new { task_id = id, is_approved = true, override_user = boss });

        Assert.That(status, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await Read(id)).GetProperty("completer_id").GetInt64(), Is.EqualTo(boss), "Tallyfy shows the overridden user");
        Assert.That(_sandbox.State.Tasks[id].CompletedOnBehalfBy, Is.EqualTo(Me));
    }

    [Test]
    public async Task OnlyAssignees_SomeoneElseIs403_AMemberOfAnAssignedGroupMayComplete()
    {
        await Start();
        var (boss, peer) = (IdOf("boss@contoso.example"), IdOf("peer@contoso.example"));
        _sandbox.State.Groups["g1"] = new SandboxGroup("g1", "Approvers", "", [peer], []);
        var byUser = (await Create(Approval([boss], onlyAssignees: true))).GetProperty("id").GetString()!;
        var byGroup = (await Create(Approval([], onlyAssignees: true, groups: ["g1"]))).GetProperty("id").GetString()!;
        var anyone = (await Create(Approval([boss]))).GetProperty("id").GetString()!;

        var (ownToken, refusal, _) = await Complete(new { task_id = byUser, is_approved = true });
        var (otherMember, _, _) = await Complete(new { task_id = byUser, is_approved = true, override_user = peer });

        Assert.That(ownToken, Is.EqualTo(HttpStatusCode.Forbidden), "the token's user is not an assignee");
        Assert.That(refusal.GetProperty("error").GetBoolean(), Is.True);
        Assert.That(otherMember, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(_sandbox.State.Tasks[byUser].Status, Is.EqualTo("not-started"));
        Assert.That((await Complete(new { task_id = byGroup, is_approved = true, override_user = peer })).Status, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await Complete(new { task_id = anyone, is_approved = true })).Status, Is.EqualTo(HttpStatusCode.Created), "without the flag anyone completes");
    }

    [Test]
    public async Task Reopen_ClearsTheDecisionAndTheCompleter_ThroughTheApiAndTheTestHelpers()
    {
        await Start();
        var boss = IdOf("boss@contoso.example");
        var id = (await Create(Approval([boss]))).GetProperty("id").GetString()!;
        await Complete(new { task_id = id, is_approved = true });

        var (status, _, _) = await Send(HttpMethod.Delete, $"{Org}/completed-tasks/{id}");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var read = await Read(id);
        Assert.That(read.GetProperty("status").GetString(), Is.EqualTo("not-started"));
        Assert.That(read.GetProperty("is_approved").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(read.GetProperty("completer_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(read.GetProperty("completed_at").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That((await Send(HttpMethod.Delete, $"{Org}/completed-tasks/{id}")).Status, Is.EqualTo(HttpStatusCode.UnprocessableEntity), "an open task is not reopened");

        _sandbox.State.CompleteTask(id, boss, approved: false);
        read = await Read(id);
        Assert.That((read.GetProperty("is_approved").GetBoolean(), read.GetProperty("completer_id").GetInt64()), Is.EqualTo((false, boss)));
        _sandbox.State.ReopenTask(id);
        Assert.That(_sandbox.State.Tasks[id].IsOpen, Is.True);
        Assert.That(_sandbox.State.Tasks[id].CompleterId, Is.Null);
    }

    [Test]
    public async Task Archive_Is204_TheTaskReadsArchived_IsNoLongerListedOrCompletable()
    {
        await Start();
        var boss = IdOf("boss@contoso.example");
        var id = (await Create(Approval([boss]))).GetProperty("id").GetString()!;

        var (status, _, _) = await Send(HttpMethod.Delete, $"{Org}/tasks/{id}");

        Assert.That(status, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await Read(id)).GetProperty("status").GetString(), Is.EqualTo("archived"));
        var (_, listing, _) = await Send(HttpMethod.Get, $"{Org}/tasks?status=incomplete");
        Assert.That(listing.GetProperty("data").GetArrayLength(), Is.Zero);
        Assert.That((await Complete(new { task_id = id, is_approved = true })).Status, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That((await Send(HttpMethod.Delete, $"{Org}/tasks/nosuchtask")).Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Comments_BeyondTheHourlyCap_Are429RateLimitExceeded_WithRetryAfter()
    {
        await Start(new SandboxOptions { CommentsPerHour = 3 });
        var id = (await Create(Approval([Me]))).GetProperty("id").GetString()!;

        for (var i = 1; i <= 3; i++)
        {
            var (ok, comment, _) = await Send(HttpMethod.Post, $"{Org}/tasks/{id}/comment", new { content = $"note {i}" });
            Assert.That(ok, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(comment.GetProperty("data").GetProperty("content").GetString(), Is.EqualTo($"note {i}"));
        }

        var (status, body, headers) = await Send(HttpMethod.Post, $"{Org}/tasks/{id}/comment", new { content = "note 4" });

        Assert.That(status, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(body.GetProperty("code").GetString(), Is.EqualTo("RATE_LIMIT_EXCEEDED"));
        Assert.That(body.GetProperty("error").GetBoolean(), Is.True);
        Assert.That(headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(_sandbox.State.CommentsOn(id), Is.EqualTo(new[] { "note 1", "note 2", "note 3" }));
    }

    [Test]
    public async Task Webhook_IsPostedOncePerCompletionAndReopen_WithTheOrgHeader_NeverRetried_AFailureIgnored()
    {
        using var receiver = new WebhookReceiver { Status = HttpStatusCode.InternalServerError };
        await Start();
        var boss = IdOf("boss@contoso.example");
        var id = (await Create(Approval([boss], webhook: receiver.Url))).GetProperty("id").GetString()!;

        await Complete(new { task_id = id, is_approved = true, override_user = boss });
        await _sandbox.State.WhenWebhooksSentAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(receiver.Bodies, Has.Count.EqualTo(1), "sent once, not retried after a 500");
        Assert.That(receiver.Headers.Single()["X-Tallyfy-orgID"], Is.EqualTo(_sandbox.Options.OrganizationId));
        using (var hook = JsonDocument.Parse(receiver.Bodies.Single()))
        {
            var sent = hook.RootElement;
            Assert.That(sent.GetProperty("id").GetString(), Is.EqualTo(id));
            Assert.That(sent.GetProperty("status").GetString(), Is.EqualTo("completed"));
            Assert.That(sent.GetProperty("is_approved").GetBoolean(), Is.True);
            Assert.That(sent.GetProperty("completer_id").GetInt64(), Is.EqualTo(boss));
        }

        _sandbox.State.ReopenTask(id);
        _sandbox.State.CompleteTask(id, boss, approved: false);
        await _sandbox.State.WhenWebhooksSentAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(receiver.Bodies, Has.Count.EqualTo(3));
        // Each sent on its own, in the background: they may arrive (and be recorded) in either order, as Tallyfy's do.
        Assert.That(_sandbox.State.WebhookAttempts.Select(a => (a.Event, a.Outcome)), Is.EquivalentTo(new[] { ("completed", "500"), ("reopened", "500"), ("completed", "500") }));

        var closed = $"http://127.0.0.1:{WebhookReceiver.FreePort()}/hook/";
        var other = (await Create(Approval([boss], webhook: closed))).GetProperty("id").GetString()!;
        Assert.That((await Complete(new { task_id = other, is_approved = true, override_user = boss })).Status, Is.EqualTo(HttpStatusCode.Created));
        await _sandbox.State.WhenWebhooksSentAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(_sandbox.State.WebhookAttempts.Last().Outcome, Is.EqualTo("failed"));
    }

    [Test]
    public async Task DropWebhooks_SendsNone()
    {
        using var receiver = new WebhookReceiver();
        await Start(new SandboxOptions { DropWebhooks = true });
        var boss = IdOf("boss@contoso.example");
        var id = (await Create(Approval([boss], webhook: receiver.Url))).GetProperty("id").GetString()!;

        await Complete(new { task_id = id, is_approved = true, override_user = boss });
        await _sandbox.State.WhenWebhooksSentAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(_sandbox.State.WebhookAttempts.Single().Outcome, Is.EqualTo("dropped"));
        Assert.That(receiver.Bodies, Is.Empty);
    }
}
