using System.Text.Json;
using System.Text.Json.Nodes;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>
/// What a leaver looked like before a sync acted on them, kept in the journal for undo: the person as
/// Tallyfy listed them (names, associated members), and the groups that held them (Tallyfy's deactivation
/// takes a member out of every group, so undo must know them all, not only those BulkOnboard added).
/// </summary>
internal sealed class LeaverSnapshots(Dictionary<(PersonKind, string), ListedPerson> people, IReadOnlyList<ListedGroup> groups, Dictionary<string, string> memberIds)
{
    /// <summary>How snapshots are written (and read by <see cref="Read"/>).</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The person's snapshot as JSON, or <c>null</c> when Tallyfy did not list them.</summary>
    public string? Of(PersonKind kind, string email)
    {
        if (!people.TryGetValue((kind, EmailAddress.Normalize(email)), out var person))
        {
            return null;
        }

        var json = JsonSerializer.SerializeToNode(person, Json)!.AsObject();
        json["groups"] = new JsonArray([.. groups.Where(g => g.Holds(kind, email, memberIds)).Select(g => JsonValue.Create(g.Name))]);
        return json.ToJsonString();
    }

    /// <summary>A snapshot written by <see cref="Of"/> (or, before groups were kept, the person alone).</summary>
    public static (ListedPerson? Person, IReadOnlyList<string> Groups) Read(string? snapshot)
    {
        if (snapshot is null)
        {
            return (null, []);
        }

        try
        {
            var person = JsonSerializer.Deserialize<ListedPerson>(snapshot, Json);
            using var document = JsonDocument.Parse(snapshot);
            var names = document.RootElement.TryGetProperty("groups", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(g => g.ValueKind == JsonValueKind.String).Select(g => g.GetString()!).ToList()
                : [];
            return (person, names);
        }
        catch (JsonException)
        {
            return (null, []);
        }
    }
}
