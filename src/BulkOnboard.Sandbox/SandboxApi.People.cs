using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BulkOnboard.Sandbox;

/// <summary>What a sync changes: members' roles and profiles, and groups (lists replaced whole); leavers are in SandboxApi.Leavers.</summary>
internal sealed partial class SandboxApi
{
    /// <summary>
    /// <c>GET /groups</c>: Tallyfy's page size, 10 by default and 100 at most. As Tallyfy documents, a
    /// group's <c>members</c> and <c>guests</c> come only when <c>with=users,guests</c> asks for them.
    /// </summary>
    private async Task ListGroupsAsync(HttpContext http, string org)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        var all = state.Groups.Values.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var with = options.GroupLists is "asked" ? Lists(http) : (false, false);
        var paging = Paging(http, 10, all.Count);
        var data = all.Skip((paging.Page - 1) * paging.Served).Take(paging.Served).Select(g => GroupJson(g, with)).ToList();
        await RespondAsync(http, null, 200, new { data, meta = new { pagination = paging.Meta(http, data.Count) } });
    }

    /// <summary><c>GET /groups/{id}</c>: one group, its lists only when <c>with=</c> asks for them; 404 when there is none.</summary>
    private async Task GetGroupAsync(HttpContext http, string org, string id)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (!state.Groups.TryGetValue(id, out var group))
        {
            await RespondAsync(http, null, 404, new { error = true, message = "Resource not found", code = "RESOURCE_NOT_FOUND" });
            return;
        }

        await RespondAsync(http, null, 200, new { data = GroupJson(group, options.GroupLists is "never" ? (false, false) : Lists(http)) });
    }

    /// <summary><c>GET /users/{id}</c>: one member as the listing shows them.</summary>
    private async Task GetMemberAsync(HttpContext http, string org, string id)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (state.DefaultAdmin is { } owner && owner.Id == id)
        {
            await RespondAsync(http, owner.Email, 200, new { data = Listed(owner, true) });
        }
        else if (await MemberAsync(http, id) is { } member)
        {
            await RespondAsync(http, member.Email, 200, new { data = Listed(member, false) });
        }
    }

    /// <summary><c>GET /organizations/{org}/me</c>: the token's own user, the sandbox's default administrator.</summary>
    private async Task GetMeAsync(HttpContext http, string org)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        var owner = state.TokenUser;
        await RespondAsync(http, owner.Email, 200, new { data = Listed(owner, true) });
    }

    /// <summary>Which of a group's lists the request's <c>with=</c> asks for.</summary>
    private static (bool Users, bool Guests) Lists(HttpContext http)
    {
        var with = http.Request.Query["with"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return (with.Contains("users", StringComparer.OrdinalIgnoreCase), with.Contains("guests", StringComparer.OrdinalIgnoreCase));
    }

    /// <summary><c>POST /groups</c>: name (unique, at most 200) and description required; 201.</summary>
    private async Task CreateGroupAsync(HttpContext http, string org)
    {
        if (await ReadBodyAsync(http, null) is not { } body || !await PassGatesAsync(http, org, null))
        {
            return;
        }

        var name = SandboxRules.Text(body, "name")?.Trim();
        var description = SandboxRules.Text(body, "description");
        if (string.IsNullOrEmpty(name) || name.Length > 200 || description is null || state.GroupNamed(name) is not null)
        {
            await RespondAsync(http, null, 422, new { message = "The given data was invalid.", errors = new { name = new[] { string.IsNullOrEmpty(name) || name.Length > 200 ? "The name field is required (at most 200 characters)." : state.GroupNamed(name) is not null ? "The name has already been taken." : "The description field is required." } } });
            return;
        }

        var group = new SandboxGroup(Guid.NewGuid().ToString("N"), name, description, MemberIds(body), Emails(body));
        state.Groups[group.Id] = group;
        await RespondAppliedAsync(http, null, 201, new { data = GroupJson(group) });
    }

    /// <summary><c>PUT /groups/{id}</c>: description required; <c>members</c> and <c>guests</c> each replace the whole list; 201.</summary>
    private async Task UpdateGroupAsync(HttpContext http, string org, string id)
    {
        if (await ReadBodyAsync(http, null) is not { } body || !await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (!state.Groups.TryGetValue(id, out var group))
        {
            await RespondAsync(http, null, 404, new { error = true, message = "Resource not found", code = "RESOURCE_NOT_FOUND" });
            return;
        }

        if (SandboxRules.Text(body, "description") is not { } description)
        {
            await RespondAsync(http, null, 422, new { message = "The given data was invalid.", errors = new { description = new[] { "The description field is required." } } });
            return;
        }

        var updated = group with
        {
            Name = SandboxRules.Text(body, "name") ?? group.Name,
            Description = description,
            Members = body.TryGetProperty("members", out _) ? MemberIds(body) : group.Members,
            Guests = body.TryGetProperty("guests", out _) ? Emails(body) : group.Guests,
        };
        state.Groups[id] = updated;
        await RespondAppliedAsync(http, null, 201, new { data = GroupJson(updated) });
    }

    /// <summary>A group as Tallyfy answers it: the lists only when asked for (writes answer with both).</summary>
    private static Dictionary<string, object> GroupJson(SandboxGroup group, (bool Users, bool Guests) with)
    {
        var json = new Dictionary<string, object> { ["id"] = group.Id, ["name"] = group.Name, ["description"] = group.Description };
        if (with.Users)
        {
            json["members"] = group.Members;
        }

        if (with.Guests)
        {
            json["guests"] = group.Guests;
        }

        return json;
    }

    private static Dictionary<string, object> GroupJson(SandboxGroup group) => GroupJson(group, (true, true));

    private static List<long> MemberIds(JsonElement body, string list = "members") =>
        body.TryGetProperty(list, out var members) && members.ValueKind == JsonValueKind.Array
            ? [.. members.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.Number ? m.GetInt64() : long.Parse(m.GetString()!, CultureInfo.InvariantCulture))]
            : [];

    private static List<string> Emails(JsonElement body) =>
        body.TryGetProperty("guests", out var guests) && guests.ValueKind == JsonValueKind.Array
            ? [.. guests.EnumerateArray().Select(g => g.GetString()!).Where(g => g is not null)]
            : [];

    /// <summary><c>PUT /users/{id}/role</c> <c>{"role": ...}</c>: 422 for a role Tallyfy does not have.</summary>
    private async Task ChangeRoleAsync(HttpContext http, string org, string id)
    {
        if (await ReadBodyAsync(http, null) is not { } body || !await PassGatesAsync(http, org, null) || await MemberAsync(http, id) is not { } member)
        {
            return;
        }

        var role = SandboxRules.Text(body, "role");
        if (role is not ("admin" or "standard" or "light"))
        {
            await RespondAsync(http, member.Email, 422, new { message = "The given data was invalid.", errors = new { role = new[] { "The selected role is invalid." } } });
            return;
        }

        var changed = member with { Fields = new Dictionary<string, string?>(member.Fields) { ["role"] = role } };
        state.Members[member.Email] = changed;
        await RespondAppliedAsync(http, member.Email, 200, new { data = Listed(changed, false) });
    }

    /// <summary><c>PUT /users/{id}</c>: a member's profile; first_name, last_name (at most 32) and timezone required every time.</summary>
    private async Task UpdateProfileAsync(HttpContext http, string org, string id)
    {
        if (await ReadBodyAsync(http, null) is not { } body || !await PassGatesAsync(http, org, null) || await MemberAsync(http, id) is not { } member
            || await RefuseProfileUpdateAsync(http, member))
        {
            return;
        }

        var errors = new Dictionary<string, string[]>();
        foreach (var field in new[] { "first_name", "last_name", "timezone" })
        {
            if (string.IsNullOrWhiteSpace(SandboxRules.Text(body, field)) || (field != "timezone" && SandboxRules.Text(body, field)!.Length > 32))
            {
                errors[field] = [$"The {field.Replace('_', ' ')} field is required (at most 32 characters)."];
            }
        }

        if (errors.Count > 0)
        {
            await RespondAsync(http, member.Email, 422, new { message = "The given data was invalid.", errors });
            return;
        }

        var fields = new Dictionary<string, string?>(member.Fields)
        {
            ["first_name"] = SandboxRules.Text(body, "first_name"), ["last_name"] = SandboxRules.Text(body, "last_name"), ["timezone"] = SandboxRules.Text(body, "timezone"),
        };
        var updated = member with { Fields = fields };
        state.Members[member.Email] = updated;
        await RespondAppliedAsync(http, member.Email, 200, new { data = Listed(updated, false) });
    }

    /// <summary>The member with this id, or <c>null</c> after answering 404.</summary>
    private async Task<SandboxPerson?> MemberAsync(HttpContext http, string id)
    {
        if (state.Members.Values.FirstOrDefault(m => m.Id == id) is { } member)
        {
            return member;
        }

        await RespondAsync(http, null, 404, new { error = true, message = "Resource not found", code = "RESOURCE_NOT_FOUND" });
        return null;
    }
}
