namespace BulkOnboard.Delivery;

/// <summary>Where a paged listing stands after a page: go on, complete, or not shown complete (and why).</summary>
internal enum ListingState
{
    /// <summary>Ask for the next page.</summary>
    More,

    /// <summary>A short or empty page came back and the count read reaches the listing's <c>total</c>.</summary>
    Complete,

    /// <summary>The listing cannot be shown complete: it ended short of its total, or the server repeats itself.</summary>
    Incomplete,
}
