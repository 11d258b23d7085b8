using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BulkOnboard.Delivery;

/// <summary>One page of <c>GET /guests</c> or <c>GET /users</c>, as the preflight needs it: the emails and how many pages there are.</summary>
/// <param name="Count">People on the page (with or without an email).</param>
/// <param name="TotalPages">Laravel-style <c>meta.pagination.total_pages</c>, when the answer has it.</param>
public sealed record ListingPage(IReadOnlyList<string> Emails, int Count, int? TotalPages)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

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
                return From(people, null);
            }

            var page = await JsonSerializer.DeserializeAsync<Envelope>(stream, Options, cancellationToken)
                ?? throw new JsonException("the listing is null");
            return From(page.Data ?? [], page.Meta?.Pagination?.TotalPages);
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static ListingPage From(List<Person?> people, int? totalPages) =>
        new([.. people.Where(p => !string.IsNullOrWhiteSpace(p?.Email)).Select(p => p!.Email!)], people.Count, totalPages);

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

    private sealed record Person(string? Email);

    private sealed record Envelope(List<Person?>? Data, Meta? Meta);

    private sealed record Meta(Pagination? Pagination);

    private sealed record Pagination([property: JsonPropertyName("total_pages")] int? TotalPages);
}
