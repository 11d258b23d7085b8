using System.Text.Json;
using BulkOnboard.Plan;
using Outcome = BulkOnboard.Validation.Outcome;

namespace BulkOnboard.Delivery;

/// <summary>
/// A leaver's tasks (TALLYFY-API.md, "Tasks and approvals"): their open tasks, every page; one task read just
/// before its owners are written; the owners written whole (<c>owners</c> replaces the assignees).
/// </summary>
internal sealed partial class RowSender
{
    /// <summary>What the org-wide task listing is asked a page.</summary>
    internal const int TaskPageSize = 100;

    /// <summary>What a guest's own task listing serves a page, whatever is asked.</summary>
    internal const int GuestTaskPageSize = 10;

    /// <summary>
    /// Every open task of a member (<paramref name="memberId"/>) or a guest (<paramref name="guestEmail"/>; through the
    /// guest's own list when <paramref name="guestList"/> names the guest's id), all pages until the listing is shown
    /// complete (<see cref="ListingProgress"/>); or why they could not be read.
    /// </summary>
    internal async Task<(List<ListedTask>? Tasks, string? Failure)> ListOpenTasksAsync(string? memberId, string? guestEmail, string? guestList,
        CancellationToken stopSending, CancellationToken hardStop)
    {
        var pageSize = guestList is null ? TaskPageSize : GuestTaskPageSize;
        var progress = new ListingProgress(pageSize);
        var tasks = new Dictionary<string, ListedTask>(StringComparer.Ordinal);
        for (var page = 1; page <= ListingProgress.MaxPages; page++)
        {
            var sent = await _attempts.RunAsync(RequestScope.Read, (client, ct) => client.ListOpenTasksAsync(memberId, guestEmail, guestList, page, pageSize, ct), new RowAttempts(), stopSending, hardStop);
            if (sent.Response is not { Status: >= 200 and < 300 } response)
            {
                return (null, $"their tasks could not be listed at page {page} ({Why(sent)})");
            }

            (List<ListedTask> Tasks, int Count, int? Total) found;
            try
            {
                found = TaskJson.ParsePage(response.RawBody);
            }
            catch (JsonException ex)
            {
                return (null, $"Tallyfy's task listing could not be read ({ex.Message})");
            }

            var state = progress.Add(found.Tasks.Select(t => t.Id), found.Count, found.Total);
            foreach (var task in found.Tasks.Where(t => t.IsOpen))
            {
                tasks.TryAdd(task.Id, task);
            }

            switch (state)
            {
                case ListingState.Complete:
                    return ([.. tasks.Values], null);
                case ListingState.Incomplete:
                    return (null, $"their task listing could not be shown complete: {progress.Describe("tasks")} ({progress.Shortfall})");
            }
        }

        return ([.. tasks.Values], null);
    }

    /// <summary><c>GET /tasks/{id}</c>: the task as Tallyfy holds it now, or why it could not be read.</summary>
    internal async Task<(ListedTask? Task, string? Failure)> ReadTaskAsync(string id, CancellationToken stopSending, CancellationToken hardStop)
    {
        var read = await _attempts.RunAsync(RequestScope.Read, (client, ct) => client.GetTaskAsync(id, ct), new RowAttempts(), stopSending, hardStop);
        if (read.Response is not { Status: >= 200 and < 300 } response)
        {
            return (null, Why(read));
        }

        try
        {
            return TaskJson.ParseOne(response.RawBody) is { } task ? (task, null) : (null, "Tallyfy's answer is not a task");
        }
        catch (JsonException)
        {
            return (null, "Tallyfy's answer is not a task");
        }
    }

    /// <summary>
    /// <c>PUT /tasks/{id}</c> with the task's whole owner lists; <see cref="Outcome.Updated"/> only when Tallyfy's
    /// answer (or, when the answer does not show the owners, a read of the task) holds every one sent: a 2xx alone is
    /// no proof. A task completed meanwhile (Tallyfy refuses the write, 422) is no longer open: <see cref="Outcome.Skipped"/>;
    /// a write whose answer was lost is read back too.
    /// </summary>
    internal async Task<DeliveryResult> UpdateTaskOwnersAsync(ListedTask task, IReadOnlyList<long> users, IReadOnlyList<string> guests, CancellationToken stopSending, CancellationToken hardStop)
    {
        ListedTask? answered = null;
        var result = await ChangeAsync((client, ct) => client.UpdateTaskOwnersAsync(task.Id, task.RunId, users, guests, task.Groups, ct), Outcome.Updated, stopSending, hardStop, response =>
        {
            answered = TryParseTask(response.RawBody);
            return task.Id;
        });
        if (result.Outcome != Outcome.Updated)
        {
            if (result is not { HttpStatus: 422 } && !result.MaybeApplied)
            {
                return result;
            }

            // Refused (completed meanwhile?) or unanswered (applied?): the task as Tallyfy holds it now says.
            var (now, _) = await ReadTaskAsync(task.Id, stopSending, hardStop);
            if (now is { IsOpen: false })
            {
                return result with { Outcome = Outcome.Skipped, Message = $"task {task.Id} was completed meanwhile: no longer open", MaybeApplied = false };
            }

            return result.MaybeApplied && now is { ShowsOwners: true } && Missing(now).Count == 0 && now.Guests.All(g => guests.Contains(g, StringComparer.OrdinalIgnoreCase))
                ? result with { Outcome = Outcome.Updated, Message = null, MaybeApplied = false }
                : result;
        }

        if (answered is not { ShowsOwners: true })
        {
            var (reread, why) = await ReadTaskAsync(task.Id, stopSending, hardStop);
            if (reread is { IsOpen: false })
            {
                return result with { Outcome = Outcome.Skipped, Message = $"task {task.Id} was completed meanwhile: no longer open" };
            }

            if (reread is not { ShowsOwners: true })
            {
                return result with { Outcome = Outcome.Failed, Message = $"Tallyfy answered the update of task {task.Id} without its owners, and they could not be read back ({why ?? "not all of them shown"}): not known to be handed over" };
            }

            answered = reread;
        }

        var missing = Missing(answered);
        return missing.Count == 0 ? result
            : result with { Outcome = Outcome.Failed, Message = $"Tallyfy answered the update of task {task.Id}, but the task does not hold {string.Join(", ", missing)}: not handed over" };

        // Whom the task should hold and does not: the members, guests and groups sent.
        List<string> Missing(ListedTask held) =>
            [.. users.Where(u => !held.Users.Contains(u)).Select(u => $"member {u}"),
                .. guests.Where(g => !held.Guests.Contains(g, StringComparer.OrdinalIgnoreCase)),
                .. task.Groups.Where(g => !held.Groups.Contains(g, StringComparer.Ordinal)).Select(g => $"group {g}")];
    }

    private static ListedTask? TryParseTask(string body)
    {
        try
        {
            return TaskJson.ParseOne(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
