using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BulkOnboard.Sandbox;

/// <summary>
/// Tasks as Tallyfy serves them (TALLYFY-API.md, "Tasks and approvals"): the org-wide listing by owner and
/// status, a guest's own listing (by the guest's id; always 10 a page), reading one (its form fields with
/// <c>with=form_fields</c>), and <c>PUT /tasks/{id}</c> (a one-off task) or <c>PUT /runs/{run}/tasks/{id}</c> (a step of a
/// process), whose <c>owners</c> replace the assignees. Creating, completing and commenting: SandboxApi.Approvals.cs.
/// </summary>
internal sealed partial class SandboxApi
{
    /// <summary>What a guest's own task listing serves a page, whatever <c>per_page</c> asks.</summary>
    private const int GuestTasksPage = 10;

    private void MapTasks(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder api)
    {
        api.MapGet("/organizations/{org}/tasks", ListTasksAsync);
        api.MapGet("/organizations/{org}/tasks/{id}", GetTaskAsync);
        api.MapPut("/organizations/{org}/tasks/{id}", (HttpContext http, string org, string id) => UpdateTaskAsync(http, org, null, id));
        api.MapPut("/organizations/{org}/runs/{run}/tasks/{id}", (HttpContext http, string org, string run, string id) => UpdateTaskAsync(http, org, run, id));
        api.MapGet("/organizations/{org}/guests/{guestId}/tasks", ListGuestTasksAsync);
        MapApprovals(api);
    }

    /// <summary><c>GET /tasks?owners=ID,..&amp;guests=EMAIL,..&amp;status=incomplete|complete&amp;page&amp;per_page</c> (10 a page by default).</summary>
    private async Task ListTasksAsync(HttpContext http, string org)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        var owners = Split(http.Request.Query["owners"]).ToList();
        var guests = Split(http.Request.Query["guests"]).ToList();
        var all = Filtered(http, state.Tasks.Values.Where(t => (owners.Count == 0 || owners.Any(t.IsOwnedBy)) && (guests.Count == 0 || guests.Any(t.IsOwnedBy))));
        var paging = Paging(http, 10, all.Count);
        var data = all.Skip((paging.Page - 1) * paging.Served).Take(paging.Served).Select(TaskJson).ToList();
        await RespondAsync(http, null, 200, new { data, meta = new { pagination = paging.Meta(http, data.Count) } });
    }

    /// <summary><c>GET /guests/{guestId}/tasks</c>: the guest's tasks (by the guest's id only), always <see cref="GuestTasksPage"/> a page; 404 for no such guest.</summary>
    private async Task ListGuestTasksAsync(HttpContext http, string org, string guestId)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (state.Guests.Values.FirstOrDefault(g => g.Id == guestId) is not { } guest)
        {
            await RespondAsync(http, null, 404, new { error = true, message = "Resource not found", code = "RESOURCE_NOT_FOUND" });
            return;
        }

        var all = Filtered(http, state.Tasks.Values.Where(t => t.IsOwnedBy(guest.Email)));
        var page = int.TryParse(http.Request.Query["page"], out var p) && p > 0 ? p : 1;
        var data = all.Skip((page - 1) * GuestTasksPage).Take(GuestTasksPage).Select(TaskJson).ToList();
        var paging = new ListPaging(page, GuestTasksPage, all.Count, Math.Max(1, (all.Count + GuestTasksPage - 1) / GuestTasksPage));
        await RespondAsync(http, guest.Email, 200, new { data, meta = new { pagination = paging.Meta(http, data.Count) } });
    }

    private async Task GetTaskAsync(HttpContext http, string org, string id)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (!state.Tasks.TryGetValue(id, out var task))
        {
            await RespondAsync(http, null, 404, new { error = true, message = "Resource not found", code = "RESOURCE_NOT_FOUND" });
            return;
        }

        await RespondAsync(http, null, 200, new { data = TaskJson(task, Asked(http, "form_fields")) });
    }

    /// <summary>
    /// <c>PUT /tasks/{id}</c> (<paramref name="run"/> <c>null</c>) or <c>PUT /runs/{run}/tasks/{id}</c>
    /// <c>{"owners": {"users": [...], "guests": [...]}}</c>: the lists replace the assignees; 422 on a completed task.
    /// A task is found only by its own path: a process's step not through the one-off path, nor through another run's (404).
    /// </summary>
    private async Task UpdateTaskAsync(HttpContext http, string org, string? run, string id)
    {
        if (await ReadBodyAsync(http, null) is not { } body || !await PassGatesAsync(http, org, null))
        {
            return;
        }

        SandboxTask updated;
        lock (state.TaskLock)
        {
            if (!state.Tasks.TryGetValue(id, out var task) || task.RunId != run)
            {
                updated = null!;
            }
            else if (!task.IsOpen || !body.TryGetProperty("owners", out var owners) || owners.ValueKind != JsonValueKind.Object)
            {
                updated = task;
            }
            else
            {
                updated = task with { Users = MemberIds(owners, "users"), Guests = Emails(owners) };
                state.Tasks[id] = updated;
            }
        }

        if (updated is null)
        {
            await RespondAsync(http, null, 404, new { error = true, message = "Resource not found", code = "RESOURCE_NOT_FOUND" });
        }
        else if (!updated.IsOpen)
        {
            await RespondAsync(http, null, 422, new { message = "A completed task cannot be updated.", errors = new { task = new[] { "A completed task cannot be updated." } } });
        }
        else if (!body.TryGetProperty("owners", out var owners) || owners.ValueKind != JsonValueKind.Object)
        {
            await RespondAsync(http, null, 422, new { message = "The given data was invalid.", errors = new { owners = new[] { "The owners field must be an object." } } });
        }
        else
        {
            await RespondAppliedAsync(http, null, 200, new { data = TaskJson(updated) });
        }
    }

    private static List<SandboxTask> Filtered(HttpContext http, IEnumerable<SandboxTask> tasks)
    {
        var status = http.Request.Query["status"].ToString();
        return [.. tasks.Where(t => !t.Archived && status switch
        {
            "incomplete" or "active" => t.IsOpen,
            "complete" or "completed" => !t.IsOpen,
            _ => true,
        }).OrderBy(t => t.Id, StringComparer.Ordinal)];
    }

    private static IEnumerable<string> Split(Microsoft.Extensions.Primitives.StringValues values) =>
        values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static Dictionary<string, object?> TaskJson(SandboxTask task) => TaskJson(task, withFormFields: false);

    /// <summary>A task as Tallyfy shows one; <c>is_approved</c>, <c>completer_id</c> and <c>completed_at</c> are <c>null</c> while it is open.</summary>
    internal static Dictionary<string, object?> TaskJson(SandboxTask task, bool withFormFields)
    {
        var json = new Dictionary<string, object?>
        {
            ["id"] = task.Id,
            ["title"] = task.Title,
            ["task_type"] = task.TaskType,
            ["status"] = task.ShownStatus,
            ["run_id"] = task.RunId,
            ["owners"] = new { users = task.Users, guests = task.Guests, groups = task.Groups },
            ["deadline"] = task.Deadline,
            ["summary"] = task.Summary,
            ["can_complete_only_assignees"] = task.CanCompleteOnlyAssignees,
            ["everyone_must_complete"] = task.EveryoneMustComplete,
            ["is_completable"] = !task.Archived,
            ["is_approved"] = task.IsApproved,
            ["completer_id"] = task.CompleterId,
            ["completed_at"] = task.CompletedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (withFormFields)
        {
            json["form_fields"] = task.FormFields.Select(f => new { id = f.Id, label = f.Label, field_type = f.FieldType, required = f.Required, options = f.Options, value = f.Value });
        }

        return json;
    }
}
