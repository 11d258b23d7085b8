using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace BulkOnboard.Sandbox;

/// <summary>The sandbox's endpoints. Every API request passes the same gates in the same order as Tallyfy's.</summary>
internal sealed partial class SandboxApi(SandboxOptions options, SandboxState state, TimeProvider timeProvider, IHostApplicationLifetime lifetime)
{
    private readonly SandboxRateGate _rateGate = new(options, state, timeProvider);
    private readonly SandboxTallyfyLimits _tallyfyLimits = new(options, timeProvider);
    private readonly Random _random = options.Seed is { } seed ? new Random(seed) : new Random();
    private readonly Lock _diceLock = new();

    public void Map(IEndpointRouteBuilder app)
    {
        CheckFalseSuccess(options.FalseSuccess);
        if (options.OutageStart is { } outageStart)
        {
            state.ScheduleOutage(timeProvider.GetUtcNow() + outageStart, options.OutageDuration);
        }

        app.MapGet("/", () => "BulkOnboard sandbox: a local Tallyfy-compatible API. Endpoints under /api.");
        var api = app.MapGroup("/api");
        api.MapPost("/organizations/{org}/guests", (HttpContext http, string org) => WriteAsync(http, org, "guest"));
        api.MapPost("/organizations/{org}/users/invite", (HttpContext http, string org) => WriteAsync(http, org, "member"));
        api.MapGet("/organizations/{org}/guests/{email}", GetGuestAsync);
        // Where Tallyfy's docs put it, at the host root; also under /api, where older pages had it.
        app.MapPost("/oauth/token", IssueTokenAsync);
        api.MapPost("/oauth/token", IssueTokenAsync);
        api.MapPut("/organizations/{org}/guests/{email}", UpdateGuestAsync);
        api.MapGet("/organizations/{org}/guests", (HttpContext http, string org) => ListAsync(http, org, state.Guests));
        api.MapDelete("/organizations/{org}/guests/{email}", RemoveGuestAsync);
        api.MapGet("/organizations/{org}/groups", ListGroupsAsync);
        api.MapGet("/organizations/{org}/groups/{id}", GetGroupAsync);
        api.MapGet("/organizations/{org}/users/{id}", GetMemberAsync);
        api.MapPost("/organizations/{org}/groups", CreateGroupAsync);
        api.MapPut("/organizations/{org}/groups/{id}", UpdateGroupAsync);
        api.MapPut("/organizations/{org}/users/{id}/role", ChangeRoleAsync);
        api.MapPut("/organizations/{org}/users/{id}", UpdateProfileAsync);
        api.MapDelete("/organizations/{org}/users/{id}", DeactivateAsync);
        api.MapPut("/organizations/{org}/users/{id}/enable", EnableAsync);
        api.MapGet("/organizations/{org}/users", (HttpContext http, string org) => ListAsync(http, org, state.Members, state.DefaultAdmin));
        api.MapGet("/organizations/{org}/me", GetMeAsync);
        MapTasks(api);
        MapRuns(api);
        MapLifecycle(api);
        api.MapGet("/_sandbox/state", () => Results.Json(new
        {
            guests = state.Guests.Values.OrderBy(p => p.Email, StringComparer.OrdinalIgnoreCase),
            members = state.Members.Values.OrderBy(p => p.Email, StringComparer.OrdinalIgnoreCase),
            requests = state.Requests.Count,
            templates = state.Templates.Count,
            processes = state.Processes.Count,
        }));
        MapUnknownRoutes(app);
        api.MapPost("/_sandbox/outage", (double seconds) =>
        {
            state.ScheduleOutage(timeProvider.GetUtcNow(), TimeSpan.FromSeconds(seconds));
            return Results.Json(new { down_for_seconds = seconds });
        });
        api.MapPost("/_sandbox/throttle", (double seconds) =>
        {
            state.ThrottleUntil(timeProvider.GetUtcNow() + TimeSpan.FromSeconds(seconds));
            return Results.Json(new { throttled_for_seconds = seconds });
        });
        api.MapDelete("/_sandbox/outage", () =>
        {
            state.ScheduleOutage(default, TimeSpan.Zero);
            return Results.Json(new { down_for_seconds = 0 });
        });
    }

    private async Task WriteAsync(HttpContext http, string org, string kind)
    {
        if (await ReadBodyAsync(http, null) is not { } body)
        {
            return;
        }

        var email = SandboxRules.Text(body, "email")?.Trim();
        if (!await PassGatesAsync(http, org, email))
        {
            return;
        }

        var errors = kind == "guest" ? SandboxRules.ValidateGuest(body) : SandboxRules.ValidateMember(body);
        if (errors.Count > 0)
        {
            await RespondAsync(http, email, 422, new { message = "The given data was invalid.", errors });
            return;
        }

        if (kind == "guest" && state.Members.ContainsKey(email!))
        {
            await RespondAsync(http, email, 422, Taken("The email belongs to an existing member of this organization."));
            return;
        }

        if (kind == "member" && SandboxRules.Text(body, "role") == "admin" && !options.TokenMayInviteAdmins)
        {
            // A business rule refusing this one request, as Tallyfy does for a non-admin token.
            await RespondAsync(http, email, 403, new { error = true, message = "You do not have permission to invite administrators." });
            return;
        }

        if (kind == "member" && await RefuseInviteAsync(http, email!, SandboxRules.Text(body, "role")))
        {
            return;
        }

        if (kind == "guest" && !state.Guests.ContainsKey(email!) && _tallyfyLimits.CheckGuestCap() is { } capped)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(capped.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await RespondAsync(http, email, 429, _tallyfyLimits.CapBody);
            return;
        }

        // Ids are integers in Tallyfy's current pages, for guests as for members. A create answers created_at
        // as "YYYY-MM-DD HH:MM:SS" (Tallyfy's create page), a read as ISO 8601.
        var store = kind == "guest" ? state.Guests : state.Members;
        var id = state.NextMemberId().ToString(CultureInfo.InvariantCulture);
        var fields = Fields(body);
        if (kind == "member")
        {
            fields["status"] = "invited";
        }

        var person = new SandboxPerson(id, kind, email!, fields, timeProvider.GetUtcNow());
        if (!store.TryAdd(email!, person))
        {
            await RespondAsync(http, email, 422, Taken("The email has already been taken."));
            return;
        }

        if (kind == "member")
        {
            state.NoteInvited(email!);
        }

        object data = kind == "guest"
            ? new { id, email, created_at = person.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), link = state.GuestLink(email!), details = person.Fields }
            : new { id = int.Parse(id, CultureInfo.InvariantCulture), email, status = "invited", first_name = person.Fields.GetValueOrDefault("first_name"), last_name = person.Fields.GetValueOrDefault("last_name") };
        await RespondAppliedAsync(http, email, 201, new { data });
    }

    private async Task GetGuestAsync(HttpContext http, string org, string email)
    {
        if (!await PassGatesAsync(http, org, email))
        {
            return;
        }

        if (state.Guests.TryGetValue(email, out var guest))
        {
            await RespondAsync(http, email, 201, new { data = new { id = guest.Id, email = guest.Email, created_at = guest.CreatedAt.ToString("O", CultureInfo.InvariantCulture), link = state.GuestLink(guest.Email), details = guest.Fields } });
        }
        else
        {
            await RespondAsync(http, email, 404, new { message = "Guest not found." });
        }
    }

    /// <summary>Updates a guest's details; the email stays. Laravel-style 422 for bad fields, 404 for an unknown guest.</summary>
    private async Task UpdateGuestAsync(HttpContext http, string org, string email)
    {
        if (await ReadBodyAsync(http, email) is not { } body)
        {
            return;
        }

        if (!await PassGatesAsync(http, org, email))
        {
            return;
        }

        if (!state.Guests.TryGetValue(email, out var guest))
        {
            await RespondAsync(http, email, 404, new { message = "Guest not found." });
            return;
        }

        var errors = SandboxRules.ValidateGuest(body);
        errors.Remove("email");
        if (errors.Count > 0)
        {
            await RespondAsync(http, email, 422, new { message = "The given data was invalid.", errors });
            return;
        }

        // Tallyfy's current pages: only associated_members is updated, the rest silently ignored (201).
        // Sandbox:GuestUpdateAppliesAllFields gives the older pages' behaviour.
        var fields = new Dictionary<string, string?>(guest.Fields);
        foreach (var (key, value) in Fields(body))
        {
            if (key == "associated_members" || (options.GuestUpdateAppliesAllFields && key != "email"))
            {
                fields[key] = value;
            }
        }

        var updated = guest with { Fields = fields };
        state.Guests[email] = updated;
        await RespondAppliedAsync(http, email, 201, new { data = new { id = updated.Id, email = updated.Email, created_at = updated.CreatedAt.ToString("O", CultureInfo.InvariantCulture), link = state.GuestLink(updated.Email), details = updated.Fields } });
    }

    /// <summary>The client-credentials flow: a bearer token for the configured client id and secret.</summary>
    private async Task IssueTokenAsync(HttpContext http)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        if (form is null || form["grant_type"].ToString() != "client_credentials" || form["client_id"].ToString() != options.ClientId
            || form["client_secret"].ToString() != options.ClientSecret)
        {
            await RespondAsync(http, null, 401, new { error = "invalid_client", message = "Client authentication failed." });
            return;
        }

        var token = "sbx_" + Guid.NewGuid().ToString("N");
        state.IssuedTokens[token] = timeProvider.GetUtcNow() + options.TokenLifetime;
        var announced = options.AnnouncedTokenLifetime ?? options.TokenLifetime;
        await RespondAsync(http, null, 200, new { token_type = "Bearer", expires_in = (long)announced.TotalSeconds, access_token = token });
    }

    private bool IsAccepted(string authorization)
    {
        if (authorization == $"Bearer {options.AccessToken}")
        {
            return true;
        }

        return authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            && state.IssuedTokens.TryGetValue(authorization[7..], out var expires)
            && timeProvider.GetUtcNow() < expires;
    }

    /// <summary>The JSON body, or <c>null</c> after answering 400 for one that is not JSON.</summary>
    private async Task<JsonElement?> ReadBodyAsync(HttpContext http, string? email)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            await RespondAsync(http, email, 400, new { message = "The request body is not valid JSON." });
            return null;
        }
    }
}
