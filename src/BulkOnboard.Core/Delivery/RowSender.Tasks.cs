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

    /// <summary><c>PUT /tasks/{id}</c> with the task's whole owner lists.</summary>
    internal Task<DeliveryResult> UpdateTaskOwnersAsync(ListedTask task, IReadOnlyList<long> users, IReadOnlyList<string> guests, CancellationToken stopSending, CancellationToken hardStop) =>
        ChangeAsync((client, ct) => client.UpdateTaskOwnersAsync(task.Id, users, guests, task.Groups, ct), Outcome.Updated, stopSending, hardStop);
}
