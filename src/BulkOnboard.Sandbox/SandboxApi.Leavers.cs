using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace BulkOnboard.Sandbox;

/// <summary>Leavers: a member deactivated (their open tasks handed over when asked), a guest removed (refused while they own open tasks).</summary>
internal sealed partial class SandboxApi
{
    /// <summary><c>DELETE /guests/{email}</c>: the guest leaves the organization; 422 when it is not a guest of it.</summary>
    private async Task RemoveGuestAsync(HttpContext http, string org, string email)
    {
        if (!await PassGatesAsync(http, org, email))
        {
            return;
        }

        SandboxPerson? removed;
        int open;
        lock (state.TaskLock)
        {
            // Tallyfy refuses to remove a guest who still owns open tasks; a removed guest is detached from every task.
            open = state.OpenTasksOf(email).Count;
            removed = open == 0 && state.Guests.TryRemove(email, out var gone) ? gone : null;
            if (removed is not null)
            {
                foreach (var task in state.Tasks.Values.Where(t => t.Guests.Contains(email, StringComparer.OrdinalIgnoreCase)).ToList())
                {
                    state.Tasks[task.Id] = task with { Guests = [.. task.Guests.Where(g => !string.Equals(g, email, StringComparison.OrdinalIgnoreCase))] };
                }
            }
        }

        if (open > 0 && state.Guests.ContainsKey(email))
        {
            await RespondAsync(http, email, 403, new { error = true, message = "Cannot disable guest with incomplete tasks" });
            return;
        }

        if (removed is null)
        {
            await RespondAsync(http, email, 422, new { message = "The given data was invalid.", errors = new { email = new[] { "The email is not a guest of this organization." } } });
            return;
        }

        // Tallyfy's pages: 200 with the removed record.
        await RespondAppliedAsync(http, email, 200, new { data = new { id = removed.Id, email, deleted_at = timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) } });
    }

    /// <summary><c>DELETE /users/{id}</c>: deactivates the member (status <c>disabled</c>, out of every group); 400 for the default administrator.</summary>
    private async Task DeactivateAsync(HttpContext http, string org, string id)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (state.DefaultAdmin?.Id == id)
        {
            await RespondAsync(http, state.DefaultAdmin.Email, 400, new { error = true, message = "The default administrator cannot be deactivated." });
            return;
        }

        if (await MemberAsync(http, id) is not { } member)
        {
            return;
        }

        // With a hand-over, Tallyfy moves the leaver's open tasks to `to`, an active member; without it they stay on the disabled account.
        long? to = null;
        if (string.Equals(http.Request.Query["with_reassignment"], "true", StringComparison.OrdinalIgnoreCase))
        {
            var target = http.Request.Query["to"].ToString();
            var successor = state.DefaultAdmin?.Id == target ? state.DefaultAdmin : state.Members.Values.FirstOrDefault(m => m.Id == target);
            if (successor is null || target == id || successor.Fields.GetValueOrDefault("status") is "disabled")
            {
                await RespondAsync(http, member.Email, 422, new { message = "The given data was invalid.", errors = new { to = new[] { "The selected user to reassign tasks to is invalid." } } });
                return;
            }

            to = long.Parse(target, CultureInfo.InvariantCulture);
        }

        if (to is { } successorId)
        {
            state.HandOver(long.Parse(member.Id, CultureInfo.InvariantCulture), successorId);
        }

        var disabled = member with { Fields = new Dictionary<string, string?>(member.Fields) { ["status"] = "disabled" } };
        state.Members[member.Email] = disabled;

        // Tallyfy's pages: deactivation removes the member from every group (re-enabling does not put them back).
        LeaveEveryGroup(long.Parse(member.Id, CultureInfo.InvariantCulture));

        await RespondAppliedAsync(http, member.Email, 200, new { data = Listed(disabled, false) });
    }
}
