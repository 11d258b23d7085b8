using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BulkOnboard.Sandbox;

/// <summary>
/// One-off tasks and approvals (TALLYFY-API.md, "Tasks and approvals"): creating one, completing it (the token's own user
/// is the completer, or <c>override_user</c>), reopening, archiving, and comments under Tallyfy's hourly cap.
/// </summary>
internal sealed partial class SandboxApi
{
    private void MapApprovals(IEndpointRouteBuilder api)
    {
        api.MapPost("/organizations/{org}/tasks", CreateTaskAsync);
        api.MapDelete("/organizations/{org}/tasks/{id}", ArchiveTaskAsync);
        api.MapPost("/organizations/{org}/completed-tasks", (HttpContext http, string org) => CompleteTaskAsync(http, org, null));
        api.MapPost("/organizations/{org}/runs/{run}/completed-tasks", (HttpContext http, string org, string run) => CompleteTaskAsync(http, org, run));
        api.MapDelete("/organizations/{org}/completed-tasks/{id}", (HttpContext http, string org, string id) => ReopenTaskAsync(http, org, null, id));
        api.MapDelete("/organizations/{org}/runs/{run}/completed-tasks/{id}", (HttpContext http, string org, string run, string id) => ReopenTaskAsync(http, org, run, id));
        api.MapPost("/organizations/{org}/tasks/{id}/comment", CommentAsync);
        api.MapGet("/me", (HttpContext http) => GetMeAsync(http, options.OrganizationId));
    }

    /// <summary><c>POST /tasks</c>: 422 for what Tallyfy refuses (<see cref="SandboxTaskRules"/>), else 201 with the task, its form fields with their ids.</summary>
    private async Task CreateTaskAsync(HttpContext http, string org)
    {
        if (await ReadBodyAsync(http, null) is not { } body || !await PassGatesAsync(http, org, null))
        {
            return;
        }

        var (task, refusal) = SandboxTaskRules.Read(body);
        if (task is null)
        {
            await RespondAsync(http, null, 422, refusal!);
            return;
        }

        await RespondAppliedAsync(http, null, 201, new { data = TaskJson(state.AddTask(task), withFormFields: true) });
    }

    /// <summary>
    /// <c>POST /completed-tasks</c> (or <c>/runs/{run}/completed-tasks</c>) <c>{task_id, is_approved, override_user?, form_fields?}</c>:
    /// the completer is the token's own user, or <c>override_user</c> (a member id) recorded instead. 404 for no such task on
    /// that path, 422 for a task not open, an approval without <c>is_approved</c> or an unknown <c>override_user</c>, 403 when
    /// only assignees may complete it and the completer is not one.
    /// </summary>
    private async Task CompleteTaskAsync(HttpContext http, string org, string? run)
    {
        if (await ReadBodyAsync(http, null) is not { } body || !await PassGatesAsync(http, org, null))
        {
            return;
        }

        var id = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("task_id", out var t) && t.ValueKind is JsonValueKind.String or JsonValueKind.Number ? t.ToString() : null;
        var decision = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("is_approved", out var a) ? a : default;
        var overrideUser = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("override_user", out var o) && o.ValueKind != JsonValueKind.Null ? o : default;
        long? overrideId = overrideUser.ValueKind is JsonValueKind.Number or JsonValueKind.String
            && long.TryParse(overrideUser.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var u) ? u : null;
        var refusal = string.IsNullOrEmpty(id) ? SandboxTaskRules.Invalid("task_id", "The task id field is required.")
            : decision.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False) ? SandboxTaskRules.Invalid("is_approved", "The is approved field must be true or false.")
            : overrideUser.ValueKind != JsonValueKind.Undefined && (overrideId is not { } who || !IsMember(who)) ? SandboxTaskRules.Invalid("override_user", "The selected override user is invalid.")
            : null;
        if (refusal is not null)
        {
            await RespondAsync(http, null, 422, refusal);
            return;
        }

        var tokenUser = long.Parse(state.TokenUser.Id, CultureInfo.InvariantCulture);
        bool? approved = decision.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null };
        var (task, refused) = state.Complete(id!, run, overrideId ?? tokenUser, approved, SandboxTaskRules.Values(body), checkAssignees: true, onBehalfBy: overrideId is null ? null : tokenUser);
        await (refused switch
        {
            TaskChangeRefusal.None => RespondAppliedAsync(http, null, 201, new { data = TaskJson(task!, withFormFields: true) }),
            TaskChangeRefusal.NotFound => RespondAsync(http, null, 404, NotFound),
            TaskChangeRefusal.NeedsDecision => RespondAsync(http, null, 422, SandboxTaskRules.Invalid("is_approved", "The is approved field is required for an approval task.")),
            TaskChangeRefusal.NotAssignee => RespondAsync(http, null, 403, new { error = true, message = "Only the assignees of this task can complete it." }),
            _ => RespondAsync(http, null, 422, SandboxTaskRules.Invalid("task_id", "The task is already completed.")),
        });
    }

    /// <summary><c>DELETE /completed-tasks/{id}</c> (or under <c>/runs/{run}</c>): reopens a completed task (422 when it is not completed).</summary>
    private async Task ReopenTaskAsync(HttpContext http, string org, string? run, string id)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        var (task, refused) = state.Reopen(id, run);
        await (refused switch
        {
            TaskChangeRefusal.None => RespondAppliedAsync(http, null, 200, new { data = TaskJson(task!, withFormFields: true) }),
            TaskChangeRefusal.NotFound => RespondAsync(http, null, 404, NotFound),
            _ => RespondAsync(http, null, 422, SandboxTaskRules.Invalid("task_id", "The task is not completed.")),
        });
    }

    /// <summary><c>DELETE /tasks/{id}</c>: archives a one-off task, 204 (again as well); 404 for a step of a process.</summary>
    private async Task ArchiveTaskAsync(HttpContext http, string org, string id)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (state.ArchiveTask(id) is null)
        {
            await RespondAsync(http, null, 404, NotFound);
            return;
        }

        await RespondAppliedAsync(http, null, 204, null);
    }

    /// <summary><c>POST /tasks/{id}/comment {"content"}</c>: 201, or 429 <c>RATE_LIMIT_EXCEEDED</c> once the organization's hourly comments are spent.</summary>
    private async Task CommentAsync(HttpContext http, string org, string id)
    {
        if (await ReadBodyAsync(http, null) is not { } body || !await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (!state.Tasks.ContainsKey(id))
        {
            await RespondAsync(http, null, 404, NotFound);
            return;
        }

        var content = body.ValueKind == JsonValueKind.Object ? SandboxLaunchRules.Text(body, "content") : null;
        if (string.IsNullOrWhiteSpace(content))
        {
            await RespondAsync(http, null, 422, SandboxTaskRules.Invalid("content", "The content field is required."));
            return;
        }

        if (_tallyfyLimits.CheckCommentCap() is { } capped)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(capped.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await RespondAsync(http, null, 429, _tallyfyLimits.CommentCapBody);
            return;
        }

        var commentId = state.AddComment(id, content);
        await RespondAppliedAsync(http, null, 201, new
        {
            data = new
            {
                id = commentId,
                content,
                task_id = id,
                author_id = long.Parse(state.TokenUser.Id, CultureInfo.InvariantCulture),
                created_at = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
        });
    }

    /// <summary>Whether a member (or the token's own user) has this id.</summary>
    private bool IsMember(long id) =>
        state.TokenUser.Id == id.ToString(CultureInfo.InvariantCulture) || state.Members.Values.Any(m => m.Id == id.ToString(CultureInfo.InvariantCulture));
}
