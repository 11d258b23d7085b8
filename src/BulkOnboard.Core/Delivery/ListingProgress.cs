using System.Globalization;

namespace BulkOnboard.Delivery;

/// <summary>
/// Decides when a paged listing is complete, the way Tallyfy's own MCP server does: never on
/// <c>total_pages</c>' word (some endpoints ignore <c>per_page</c> and compute it from the size asked),
/// but when a page comes back short or empty <b>and</b> the people read reach <c>meta.pagination.total</c>
/// (a listing that never states its total cannot be shown complete).
/// A page that brings nobody new (a server answering the same page forever) ends it incomplete. Counts
/// distinct keys, so pages that overlap are not counted twice.
/// </summary>
internal sealed class ListingProgress(int pageSize)
{
    /// <summary>No listing has more pages than this; a server that never ends is cut off here.</summary>
    public const int MaxPages = 100_000;

    private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Distinct entries read so far (those without a key counted as they come).</summary>
    public int Read { get; private set; }

    /// <summary>The listing's <c>total</c>, as its latest page stated it.</summary>
    public int? Total { get; private set; }

    public int Pages { get; private set; }

    /// <summary>Why the listing is <see cref="ListingState.Incomplete"/>.</summary>
    public string? Shortfall { get; private set; }

    /// <summary>Takes one page: its entries' keys (emails, group ids), how many entries it held, and the total it stated.</summary>
    public ListingState Add(IEnumerable<string> keys, int count, int? total)
    {
        Pages++;
        Total = total ?? Total;
        var withKey = 0;
        var fresh = 0;
        foreach (var key in keys)
        {
            withKey++;
            fresh += _seen.Add(key) ? 1 : 0;
        }

        if (withKey > 0 && fresh == 0)
        {
            return End($"page {Pages} repeated entries already read");
        }

        Read += fresh + Math.Max(0, count - withKey);
        if (count < pageSize && Total is null)
        {
            // Tallyfy states its total on every page: an answer without one (`{"data": []}`: a gateway, an error
            // shaped like a listing) may be anything, and its end proves nothing.
            return End($"page {Pages} ended the listing without stating its total (meta.pagination.total)");
        }

        if (count < pageSize && Read >= Total)
        {
            return ListingState.Complete;
        }

        if (count == 0)
        {
            return End($"page {Pages} came back empty");
        }

        return Pages >= MaxPages ? End($"{MaxPages} pages read") : ListingState.More;
    }

    /// <summary>How many pages the whole listing will take at the size its first page came in (or as <c>total_pages</c> says without a total).</summary>
    public int? EstimatedPages(int firstPageCount, int? totalPages) => Total is { } total
        ? (int)Math.Ceiling(total / (double)Math.Max(1, firstPageCount))
        : totalPages;

    /// <summary>"read 1,200 of 2,500 members", for the one line a sync stops with.</summary>
    public string Describe(string noun) => Total is { } total
        ? string.Create(CultureInfo.InvariantCulture, $"read {Read:N0} of {total:N0} {noun}")
        : string.Create(CultureInfo.InvariantCulture, $"read {Read:N0} {noun}");

    private ListingState End(string why)
    {
        Shortfall = why;
        return ListingState.Incomplete;
    }
}
