using System.Text.Json;
using BulkOnboard.Plan;

namespace BulkOnboard.Delivery;

/// <summary>Tallyfy's group answers read into <see cref="ListedGroup"/>s (TALLYFY-API.md, "Groups").</summary>
internal static class GroupJson
{
    /// <summary>The groups of one <c>GET /groups</c> page, how many entries it held, and the listing's <c>total</c> when it says.</summary>
    public static GroupPage ParsePage(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var data = root.ValueKind == JsonValueKind.Array ? root : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var d) ? d : default;
        var groups = data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().Select(Parse).OfType<ListedGroup>().ToList() : [];
        var count = data.ValueKind == JsonValueKind.Array ? data.GetArrayLength() : 0;
        int? total = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("pagination", out var pagination) && pagination.ValueKind == JsonValueKind.Object
            && pagination.TryGetProperty("total", out var stated) && Number(stated) is { } n ? n : null;
        return new GroupPage(groups, count, total);
    }

    private static int? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt32(out var n) => n,
        JsonValueKind.String when int.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>The group in a create or update answer (<c>{"data": {...}}</c>).</summary>
    public static ListedGroup? ParseOne(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("data", out var data) ? Parse(data) : Parse(document.RootElement);
    }

    private static ListedGroup? Parse(JsonElement group)
    {
        if (group.ValueKind != JsonValueKind.Object || !group.TryGetProperty("id", out var id) || !group.TryGetProperty("name", out var name))
        {
            return null;
        }

        // An entry that cannot be read is not dropped in silence: a whole-list write from what was read would
        // remove that person. The group then counts as not showing its lists, and is never written.
        var members = Items(group, "members").Select(MemberId).ToList();
        var guests = Items(group, "guests").Select(GuestEmail).ToList();
        return new ListedGroup(id.ToString(), name.ValueKind == JsonValueKind.String ? name.GetString()! : name.ToString(),
            group.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String ? description.GetString()! : string.Empty,
            [.. members.OfType<long>()], [.. guests.OfType<string>()])
        {
            ShowsLists = group.TryGetProperty("members", out _) && group.TryGetProperty("guests", out _) && !members.Contains(null) && !guests.Contains(null),
        };
    }

    private static long? MemberId(JsonElement member) => member.ValueKind switch
    {
        JsonValueKind.Number when member.TryGetInt64(out var n) && n > 0 => n,
        JsonValueKind.String when long.TryParse(member.GetString(), out var n) && n > 0 => n,
        _ => null,
    };

    private static string? GuestEmail(JsonElement guest) => guest.ValueKind switch
    {
        JsonValueKind.String when guest.GetString() is { Length: > 0 } email => email,
        JsonValueKind.Object when guest.TryGetProperty("email", out var email) && email.ValueKind == JsonValueKind.String && email.GetString() is { Length: > 0 } text => text,
        _ => null,
    };

    private static IEnumerable<JsonElement> Items(JsonElement group, string name)
    {
        if (!group.TryGetProperty(name, out var items))
        {
            return [];
        }

        // Listed with ?with=users,guests, lists may come wrapped as {"data": [...]}, and members as objects with an id.
        var list = items.ValueKind == JsonValueKind.Object && items.TryGetProperty("data", out var wrapped) ? wrapped : items;
        return list.ValueKind != JsonValueKind.Array ? [] : list.EnumerateArray()
            .Select(i => i.ValueKind == JsonValueKind.Object && name == "members" && i.TryGetProperty("id", out var memberId) ? memberId : i).ToList();
    }
}

/// <summary>One page of <c>GET /groups</c>: the groups read, how many entries it held, and the listing's <c>total</c> when stated.</summary>
internal sealed record GroupPage(List<ListedGroup> Groups, int Count, int? Total);
