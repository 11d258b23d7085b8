using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BulkOnboard.Sandbox;

/// <summary>Tallyfy's refusals of a whole run or of one kind of request: unknown endpoints, SSO, seat pools, members of other organizations.</summary>
internal sealed partial class SandboxApi
{
    /// <summary>Any other path under <c>/api</c> is Tallyfy's <c>404 ENDPOINT_NOT_FOUND</c> (a wrong base URL or a missing header).</summary>
    private void MapUnknownRoutes(IEndpointRouteBuilder app) =>
        app.Map("/api/{**rest}", (HttpContext http) =>
            RespondAsync(http, null, 404, new { error = true, message = "API endpoint not found", code = "ENDPOINT_NOT_FOUND" }));

    /// <summary>
    /// "Require SSO" (403 naming SSO for every member invite), then the seat pool the invite draws on: true when it
    /// answered a refusal.
    /// </summary>
    private async Task<bool> RefuseInviteAsync(HttpContext http, string email, string? role)
    {
        if (options.RequireSso)
        {
            await RespondAsync(http, email, 403, new { error = true, message = "This organization requires SSO: manual member invites are blocked. Members join by signing in with SSO." });
            return true;
        }

        if (state.Members.ContainsKey(email))
        {
            return false;
        }

        return await RefuseSeatAsync(http, email, string.Equals(role, "light", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The seat pool a member about to hold a seat draws on (admin and standard the full pool, light its own;
    /// <see cref="SandboxState.SeatsHeld"/>): true when it answered 409 for a pool with no seat left.
    /// </summary>
    private async Task<bool> RefuseSeatAsync(HttpContext http, string email, bool light)
    {
        var limit = light ? options.LightSeatLimit : options.SeatLimit;
        if (limit is { } seats && state.SeatsHeld(light) >= seats)
        {
            var pool = light ? "light" : "full";
            await RespondAsync(http, email, 409, new { error = new { code = "SEAT_POOL_EXHAUSTED", message = $"No seats left in the {pool} seat pool.", details = new { pool_type = pool } } });
            return true;
        }

        return false;
    }

    /// <summary>A member of other organizations too: only they may change their profile; an admin's update is refused.</summary>
    private async Task<bool> RefuseProfileUpdateAsync(HttpContext http, SandboxPerson member)
    {
        if (!options.MultiOrgMembers.Contains(member.Email, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        await RespondAsync(http, member.Email, 403, new { error = true, message = "This member belongs to other organizations too: only they can update their own profile." });
        return true;
    }
}
