using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization;
using BulkOnboard.Plan;

namespace BulkOnboard.Delivery;

/// <summary>One page of <c>GET /guests</c> or <c>GET /users</c>: the people with an email, and how many pages there are.</summary>
/// <param name="People">The people of the page that have an email, with what a sync compares.</param>
/// <param name="Count">People on the page (with or without an email).</param>
/// <param name="TotalPages">Laravel-style <c>meta.pagination.total_pages</c>, when the answer has it (a hint only: some endpoints compute it from the size asked, not the size sent).</param>
/// <param name="Total">
/// <c>meta.pagination.total</c>: how many the whole listing holds, when the answer says (what <see cref="ListingProgress"/>
/// checks the count read against). <c>links</c> beside it may be an object or an empty array; it is not read.
/// </param>
internal sealed record ListingPage(IReadOnlyList<ListedPerson> People, int Count, int? TotalPages, int? Total = null)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public IEnumerable<string> Emails => People.Select(p => p.Email);

    /// <summary>
    /// Reads a listing as it streams in, keeping only the emails: a page of 9,999 members is never
    /// held as text. Either Tallyfy's <c>{"data": [...], "meta": {"pagination": {...}}}</c> or a bare
    /// array. Throws <see cref="JsonException"/> when the body is not such a listing.
    /// </summary>
    public static async Task<ListingPage> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(body, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            var array = await StartsWithArrayAsync(reader, cancellationToken);
            await using var stream = reader.AsStream(leaveOpen: true);
            if (array)
            {
                var people = await JsonSerializer.DeserializeAsync<List<Person?>>(stream, Options, cancellationToken) ?? [];
                return From(people, null, null);
            }

            var page = await JsonSerializer.DeserializeAsync<Envelope>(stream, Options, cancellationToken)
                ?? throw new JsonException("the listing is null");
            return From(page.Data ?? [], page.Meta?.Pagination?.TotalPages, page.Meta?.Pagination?.Total);
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>One person in a read's answer (<c>{"data": {...}}</c> or the bare object); <c>null</c> when it is not one.</summary>
    public static ListedPerson? ReadOne(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var one = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) ? data : root;
            return one.ValueKind == JsonValueKind.Object && one.Deserialize<Person>(Options) is { Email: { Length: > 0 } } person ? person.ToListed() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether a guest's answer shows it soft-deleted (<c>deleted_at</c> set, at the top or in <c>details</c>).</summary>
    public static bool IsDeleted(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var one = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) ? data : root;
            static bool Set(JsonElement e) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("deleted_at", out var at) && at.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                && !(at.ValueKind == JsonValueKind.String && string.IsNullOrEmpty(at.GetString()));
            return Set(one) || (one.ValueKind == JsonValueKind.Object && one.TryGetProperty("details", out var details) && Set(details));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ListingPage From(List<Person?> people, int? totalPages, int? total) =>
        new([.. people.Where(p => !string.IsNullOrWhiteSpace(p?.Email)).Select(p => p!.ToListed())], people.Count, totalPages, total);

    /// <summary>Looks at the first character that is not white space (or a BOM) without consuming anything.</summary>
    private static async Task<bool> StartsWithArrayAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var first = FirstSignificant(read.Buffer);
            if (first is { } b || read.IsCompleted)
            {
                reader.AdvanceTo(read.Buffer.Start);
                return first == (byte)'[';
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static byte? FirstSignificant(ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF))
                {
                    return b;
                }
            }
        }

        return null;
    }

    private sealed record Person(string? Email, JsonElement? Id, string? FirstName, string? LastName, string? Role, string? Status,
        JsonElement? IsDefaultAdmin, JsonElement? AssociatedMembers, Dictionary<string, JsonElement>? Details, string? Timezone, JsonElement? IsBot = null)
    {
        public ListedPerson ToListed() => new(
            Email!.Trim(),
            Id is { ValueKind: JsonValueKind.Number or JsonValueKind.String } id ? id.ToString() : null,
            FirstName ?? Text(Details, "first_name"),
            LastName ?? Text(Details, "last_name"),
            Role,
            Status ?? Text(Details, "status"),
            IsDefaultAdmin is { } admin && (admin.ValueKind == JsonValueKind.True || (admin.ValueKind == JsonValueKind.Number && admin.GetRawText() == "1")),
            MemberIds(AssociatedMembers ?? (Details?.TryGetValue("associated_members", out var nested) == true ? nested : null)))
        {
            Timezone = Timezone ?? Text(Details, "timezone"),
            IsBot = IsBot is { } bot && (bot.ValueKind == JsonValueKind.True || (bot.ValueKind == JsonValueKind.Number && bot.GetRawText() == "1")),
        };

        private static string? Text(Dictionary<string, JsonElement>? details, string name) =>
            details?.TryGetValue(name, out var value) == true && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        /// <summary>An id list as Tallyfy writes it: an array of numbers, or the same as text (the sandbox keeps it so).</summary>
        private static List<long>? MemberIds(JsonElement? value)
        {
            var element = value is { ValueKind: JsonValueKind.String } text && text.GetString() is { } raw && raw.TrimStart().StartsWith('[')
                ? JsonDocument.Parse(raw).RootElement
                : value;
            return element is { ValueKind: JsonValueKind.Array } array
                ? [.. array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : long.TryParse(v.ToString(), out n) ? n : -1).Where(n => n >= 0)]
                : null;
        }
    }

    private sealed record Envelope(List<Person?>? Data, Meta? Meta);

    private sealed record Meta(Pagination? Pagination);

    private sealed record Pagination([property: JsonPropertyName("total_pages")] int? TotalPages, int? Total);
}
