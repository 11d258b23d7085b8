using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BulkOnboard.Sandbox;

/// <summary>
/// Templates ("checklists") and processes ("runs") as Tallyfy serves them (TALLYFY-API.md, "Templates and
/// processes"): listing and reading templates, launching a process (<see cref="SandboxLaunchRules"/>), finding
/// processes by template and name, reading one back with its kick-off values as stored, archiving and restoring.
/// </summary>
internal sealed partial class SandboxApi
{
    private static readonly object NotFound = new { error = true, message = "Resource not found", code = "RESOURCE_NOT_FOUND" };

    private void MapRuns(IEndpointRouteBuilder api)
    {
        api.MapGet("/organizations/{org}/checklists", ListChecklistsAsync);
        api.MapGet("/organizations/{org}/checklists/{id}", GetChecklistAsync);
        api.MapPost("/organizations/{org}/runs", LaunchAsync);
        api.MapGet("/organizations/{org}/runs", ListRunsAsync);
        api.MapGet("/organizations/{org}/runs/{id}", GetRunAsync);
        api.MapDelete("/organizations/{org}/runs/{id}", (HttpContext http, string org, string id) => ArchiveRunAsync(http, org, id, archived: true));
        api.MapPut("/organizations/{org}/runs/{id}/activate", (HttpContext http, string org, string id) => ArchiveRunAsync(http, org, id, archived: false));
    }

    /// <summary><c>GET /checklists?q=&amp;page=&amp;per_page=</c> (10 a page by default): <c>q</c> a part of the title, any case.</summary>
    private async Task ListChecklistsAsync(HttpContext http, string org)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        var q = http.Request.Query["q"].ToString();
        var all = state.Templates.Values.Where(t => t.Title.Contains(q, StringComparison.OrdinalIgnoreCase))
            .OrderBy(t => t.Title, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
        var paging = Paging(http, 10, all.Count);
        var data = all.Skip((paging.Page - 1) * paging.Served).Take(paging.Served).Select(t => new { id = t.Id, title = t.Title, status = "active" }).ToList();
        await RespondAsync(http, null, 200, new { data, meta = new { pagination = paging.Meta(http, data.Count) } });
    }

    /// <summary><c>GET /checklists/{id}[?with=steps]</c>: the kick-off fields always, the steps only when asked.</summary>
    private async Task GetChecklistAsync(HttpContext http, string org, string id)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (!state.Templates.TryGetValue(id, out var template))
        {
            await RespondAsync(http, null, 404, NotFound);
            return;
        }

        var data = new Dictionary<string, object?>
        {
            ["id"] = template.Id,
            ["title"] = template.Title,
            ["prerun"] = template.Fields.Select(f => new
            {
                id = f.Id,
                alias = f.Alias,
                label = f.Label,
                field_type = f.FieldType,
                options = f.Options.Select(o => new { id = o.Id, text = o.Text, value = o.Value }),
                columns = f.Columns,
                required = f.Required,
            }),
        };
        if (Asked(http, "steps"))
        {
            data["steps"] = template.Steps.Select(s => new { id = s.Id, alias = s.Alias, title = s.Title });
        }

        await RespondAsync(http, null, 200, new { data });
    }

    /// <summary>
    /// <c>POST /runs</c>: 422 for what Tallyfy refuses (nothing created), else the process and its tasks, answered
    /// 201, unless <see cref="SandboxOptions.RunLostAnswerRate"/> loses the answer of the launch it applied.
    /// </summary>
    private async Task LaunchAsync(HttpContext http, string org)
    {
        if (await ReadBodyAsync(http, null) is not { } body || !await PassGatesAsync(http, org, null))
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var (launch, refusal) = SandboxLaunchRules.Read(body, state, options.DropKickoffLabel, now);
        if (launch is null)
        {
            await RespondAsync(http, null, 422, refusal!);
            return;
        }

        var process = new SandboxProcess(Guid.NewGuid().ToString("N"), launch.Name, launch.Template.Id, launch.Prerun, "active", now) { Summary = launch.Summary };
        state.AddProcess(process, launch.Steps);
        if (Roll(options.RunLostAnswerRate))
        {
            Drop(http, null, applied: true);
            return;
        }

        await RespondAppliedAsync(http, null, 201, new { data = RunJson(process, withTasks: true) });
    }

    /// <summary><c>GET /runs?checklist_id=&amp;q=&amp;status=&amp;page=&amp;per_page=</c> (10 a page by default): <c>q</c> a part of the name, any case.</summary>
    private async Task ListRunsAsync(HttpContext http, string org)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        var query = http.Request.Query;
        var (checklistId, q, status) = (query["checklist_id"].ToString(), query["q"].ToString(), query["status"].ToString());
        var all = state.Processes.Values
            .Where(p => (checklistId.Length == 0 || p.ChecklistId == checklistId) && p.Name.Contains(q, StringComparison.OrdinalIgnoreCase)
                && (status.Length == 0 || string.Equals(p.Status, status, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
        var paging = Paging(http, 10, all.Count);
        var data = all.Skip((paging.Page - 1) * paging.Served).Take(paging.Served).Select(p => RunJson(p, withTasks: false)).ToList();
        await RespondAsync(http, null, 200, new { data, meta = new { pagination = paging.Meta(http, data.Count) } });
    }

    /// <summary><c>GET /runs/{id}[?with=tasks]</c>: the process with its kick-off values as stored; its tasks only when asked.</summary>
    private async Task GetRunAsync(HttpContext http, string org, string id)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (!state.Processes.TryGetValue(id, out var process))
        {
            await RespondAsync(http, null, 404, NotFound);
            return;
        }

        await RespondAsync(http, null, 200, new { data = RunJson(process, Asked(http, "tasks")) });
    }

    /// <summary><c>DELETE /runs/{id}</c> archives the process and its tasks; <c>PUT /runs/{id}/activate</c> restores them.</summary>
    private async Task ArchiveRunAsync(HttpContext http, string org, string id, bool archived)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (state.SetArchived(id, archived) is not { } process)
        {
            await RespondAsync(http, null, 404, NotFound);
            return;
        }

        await RespondAppliedAsync(http, null, 200, new { data = RunJson(process, withTasks: false) });
    }

    private static bool Asked(HttpContext http, string what) =>
        Split(http.Request.Query["with"]).Contains(what, StringComparer.OrdinalIgnoreCase);

    private Dictionary<string, object?> RunJson(SandboxProcess process, bool withTasks)
    {
        var json = new Dictionary<string, object?>
        {
            ["id"] = process.Id,
            ["name"] = process.Name,
            ["checklist_id"] = process.ChecklistId,
            ["summary"] = process.Summary,
            ["status"] = process.Status,
            ["prerun"] = process.Prerun,
            ["created_at"] = process.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (withTasks)
        {
            json["tasks"] = state.TasksOfProcess(process.Id).Select(t => new
            {
                id = t.Id,
                title = t.Title,
                step_id = t.StepId,
                status = t.Status,
                owners = new { users = t.Users, guests = t.Guests, groups = t.Groups },
                deadline = t.Deadline,
            });
        }

        return json;
    }
}
