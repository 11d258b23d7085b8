using System.Globalization;
using System.Text.Json;
using BulkOnboard.Plan;

namespace BulkOnboard.Delivery;

/// <summary>Tallyfy's task answers read into <see cref="ListedTask"/>s (TALLYFY-API.md, "Tasks and approvals").</summary>
internal static class TaskJson
{
    /// <summary>The tasks of one listing page, how many entries it held, and the listing's <c>total</c> when it says.</summary>
    public static (List<ListedTask> Tasks, int Count, int? Total) ParsePage(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var data = root.ValueKind == JsonValueKind.Array ? root : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var d) ? d : default;
        var tasks = data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().Select(Parse).OfType<ListedTask>().ToList() : [];
        var count = data.ValueKind == JsonValueKind.Array ? data.GetArrayLength() : 0;
        int? total = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("pagination", out var pagination) && pagination.ValueKind == JsonValueKind.Object
            && pagination.TryGetProperty("total", out var stated) && Number(stated) is { } n ? n : null;
        return (tasks, count, total);
    }

    /// <summary>The task of <c>GET /tasks/{id}</c> (<c>{"data": {...}}</c>).</summary>
    public static ListedTask? ParseOne(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("data", out var data) ? Parse(data) : Parse(document.RootElement);
    }

    private static ListedTask? Parse(JsonElement task)
    {
        if (task.ValueKind != JsonValueKind.Object || !task.TryGetProperty("id", out var id) || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            return null;
        }

        // owners replaces the lists it is given: a list the answer does not show (no key, not an array) is not known
        // to be empty, and a task whose lists are not all shown is never written (as GroupWriter does with members).
        var owners = task.TryGetProperty("owners", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
        var shownUsers = Items(owners, "users");
        var shownGuests = Items(owners, "guests");
        var shownGroups = Items(owners, "groups");
        var users = (shownUsers ?? []).Select(UserId).ToList();
        var guests = (shownGuests ?? []).Select(GuestEmail).ToList();
        var groups = (shownGroups ?? []).Select(g => g.ValueKind is JsonValueKind.String or JsonValueKind.Number ? g.ToString() : g.ValueKind == JsonValueKind.Object && g.TryGetProperty("id", out var gid) ? gid.ToString() : null).ToList();
        return new ListedTask(id.ToString(), Text(task, "title"), Text(task, "status"), [.. users.OfType<long>()], [.. guests.OfType<string>()], [.. groups.OfType<string>()])
        {
            RunId = task.TryGetProperty("run_id", out var run) && run.ValueKind is JsonValueKind.String or JsonValueKind.Number && run.ToString() is { Length: > 0 } runId && runId != "0" ? runId : null,
            ShowsOwners = shownUsers is not null && shownGuests is not null && shownGroups is not null && !users.Contains(null) && !guests.Contains(null) && !groups.Contains(null),
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>One owner list (a bare array or <c>{"data": [...]}</c>), or <c>null</c> when the answer does not show it.</summary>
    private static List<JsonElement>? Items(JsonElement owners, string name)
    {
        if (owners.ValueKind != JsonValueKind.Object || !owners.TryGetProperty(name, out var items))
        {
            return null;
        }

        var list = items.ValueKind == JsonValueKind.Object && items.TryGetProperty("data", out var wrapped) ? wrapped : items;
        return list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray()] : null;
    }

    private static long? UserId(JsonElement user) => user.ValueKind switch
    {
        JsonValueKind.Number when user.TryGetInt64(out var n) && n > 0 => n,
        JsonValueKind.String when long.TryParse(user.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => n,
        JsonValueKind.Object when user.TryGetProperty("id", out var id) => UserId(id),
        _ => null,
    };

    private static string? GuestEmail(JsonElement guest) => guest.ValueKind switch
    {
        JsonValueKind.String when guest.GetString() is { Length: > 0 } email => email,
        JsonValueKind.Object when guest.TryGetProperty("email", out var email) && email.ValueKind == JsonValueKind.String && email.GetString() is { Length: > 0 } text => text,
        _ => null,
    };

    private static int? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt32(out var n) => n,
        JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };
}
