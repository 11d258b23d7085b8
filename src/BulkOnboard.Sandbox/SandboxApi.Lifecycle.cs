using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BulkOnboard.Sandbox;

/// <summary>
/// People lifecycle beyond create and invite (TALLYFY-API.md): a guest converted to a member and back, a disabled
/// member re-enabled, and an invitation accepted on demand for tests.
/// </summary>
internal sealed partial class SandboxApi
{
    private void MapLifecycle(IEndpointRouteBuilder api)
    {
        api.MapPost("/organizations/{org}/guests/{email}/to/member", GuestToMemberAsync);
        api.MapPut("/organizations/{org}/users/{id}/to/guest", MemberToGuestAsync);
        api.MapPost("/_sandbox/accept", (string email) =>
            state.Members.ContainsKey(email)
                ? Results.Json(new { email, accepted = state.AcceptInvitation(email) })
                : Results.Json(new { error = true, message = "Resource not found", code = "RESOURCE_NOT_FOUND" }, statusCode: 404));
    }

    /// <summary>
    /// <c>POST /guests/{email}/to/member</c>: the guest becomes a standard member (needs a full seat: 409), keeping their
    /// task history (every task of theirs, open or completed, now names the member) and their groups; 201 with the member.
    /// </summary>
    private async Task GuestToMemberAsync(HttpContext http, string org, string email)
    {
        if (!await PassGatesAsync(http, org, email))
        {
            return;
        }

        if (!state.Guests.ContainsKey(email))
        {
            await RespondAsync(http, email, 404, new { error = true, message = "Resource not found", code = "RESOURCE_NOT_FOUND" });
            return;
        }

        if (state.Members.ContainsKey(email))
        {
            await RespondAsync(http, email, 422, Taken("The email belongs to an existing member of this organization."));
            return;
        }

        if (await RefuseSeatAsync(http, email, light: false))
        {
            return;
        }

        SandboxPerson? member = null;
        lock (state.TaskLock)
        {
            if (state.Guests.TryRemove(email, out var guest))
            {
                var id = state.NextMemberId();
                member = new SandboxPerson(id.ToString(CultureInfo.InvariantCulture), "member", guest.Email, new Dictionary<string, string?>
                {
                    ["first_name"] = guest.Fields.GetValueOrDefault("first_name"), ["last_name"] = guest.Fields.GetValueOrDefault("last_name"),
                    ["role"] = "standard", ["status"] = "active",
                }, timeProvider.GetUtcNow());
                state.Members[guest.Email] = member;
                foreach (var task in state.Tasks.Values.Where(t => t.Guests.Contains(email, StringComparer.OrdinalIgnoreCase)).ToList())
                {
                    state.Tasks[task.Id] = task with { Guests = Without(task.Guests, email), Users = [.. task.Users.Append(id).Distinct()] };
                }

                foreach (var group in state.Groups.Values.Where(g => g.Guests.Contains(email, StringComparer.OrdinalIgnoreCase)).ToList())
                {
                    state.Groups[group.Id] = group with { Guests = Without(group.Guests, email), Members = [.. group.Members.Append(id).Distinct()] };
                }
            }
        }

        if (member is null)
        {
            // Converted by a request running alongside this one.
            await RespondAsync(http, email, 404, new { error = true, message = "Resource not found", code = "RESOURCE_NOT_FOUND" });
            return;
        }

        await RespondAppliedAsync(http, email, 201, new { data = Listed(member, false) });
    }

    /// <summary>
    /// <c>PUT /users/{id}/to/guest</c>: the member is deactivated, taken out of every group (the seat freed) and a guest
    /// with the same email made (or kept); their open tasks go to the guest, completed ones keep the member. Refused for the
    /// default administrator (400), a disabled member and the only active administrator (422).
    /// </summary>
    private async Task MemberToGuestAsync(HttpContext http, string org, string id)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (state.DefaultAdmin?.Id == id)
        {
            await RespondAsync(http, state.DefaultAdmin.Email, 400, new { error = true, message = "The default administrator cannot be converted to a guest." });
            return;
        }

        if (await MemberAsync(http, id) is not { } member)
        {
            return;
        }

        var refusal = member.Fields.GetValueOrDefault("status") == "disabled" ? "A disabled member cannot be converted to a guest."
            : state.IsOnlyActiveAdmin(member) ? "The only administrator of the organization cannot be converted to a guest."
            : null;
        if (refusal is not null)
        {
            await RespondAsync(http, member.Email, 422, new { message = "The given data was invalid.", errors = new { id = new[] { refusal } } });
            return;
        }

        SandboxPerson guest;
        lock (state.TaskLock)
        {
            state.Members[member.Email] = member with { Fields = new Dictionary<string, string?>(member.Fields) { ["status"] = "disabled" } };
            var memberId = long.Parse(member.Id, CultureInfo.InvariantCulture);
            LeaveEveryGroup(memberId);
            guest = state.Guests.GetOrAdd(member.Email, email => new SandboxPerson(state.NextMemberId().ToString(CultureInfo.InvariantCulture), "guest", email,
                new Dictionary<string, string?> { ["first_name"] = member.Fields.GetValueOrDefault("first_name"), ["last_name"] = member.Fields.GetValueOrDefault("last_name") },
                timeProvider.GetUtcNow()));
            foreach (var task in state.Tasks.Values.Where(t => t.IsOpen && t.Users.Contains(memberId)).ToList())
            {
                state.Tasks[task.Id] = task with { Users = [.. task.Users.Where(u => u != memberId)], Guests = [.. Without(task.Guests, guest.Email).Append(guest.Email)] };
            }
        }

        await RespondAppliedAsync(http, member.Email, 200, new { data = Listed(guest, false) });
    }

    /// <summary>
    /// <c>PUT /users/{id}/enable</c>: a disabled member is active again (a seat taken: 409 when none is free); group
    /// memberships are not restored. An active or invited member is answered as they are.
    /// </summary>
    private async Task EnableAsync(HttpContext http, string org, string id)
    {
        if (!await PassGatesAsync(http, org, null) || await MemberAsync(http, id) is not { } member)
        {
            return;
        }

        if (member.Fields.GetValueOrDefault("status") != "disabled")
        {
            await RespondAppliedAsync(http, member.Email, 200, new { data = Listed(member, false) });
            return;
        }

        if (await RefuseSeatAsync(http, member.Email, string.Equals(member.Fields.GetValueOrDefault("role"), "light", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var enabled = member with { Fields = new Dictionary<string, string?>(member.Fields) { ["status"] = "active" } };
        state.Members[member.Email] = enabled;
        await RespondAppliedAsync(http, member.Email, 200, new { data = Listed(enabled, false) });
    }

    /// <summary>Takes the member out of every group (deactivation, conversion to guest).</summary>
    private void LeaveEveryGroup(long memberId)
    {
        foreach (var group in state.Groups.Values.Where(g => g.Members.Contains(memberId)).ToList())
        {
            state.Groups[group.Id] = group with { Members = [.. group.Members.Where(m => m != memberId)] };
        }
    }

    private static List<string> Without(IEnumerable<string> emails, string email) =>
        [.. emails.Where(e => !string.Equals(e, email, StringComparison.OrdinalIgnoreCase))];
}
