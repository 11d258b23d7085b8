using BulkOnboard.Input;

namespace BulkOnboard.Delivery;

/// <summary>
/// How many listing pages the preflight may spend on each kind: <see cref="Everything"/> for
/// <c>--preflight</c>, <see cref="WorthIt"/> when it is on by default.
/// </summary>
internal readonly record struct ListingBudget(int GuestPages, int MemberPages)
{
    /// <summary>A listing page is worth it for every this many rows of its kind that would be sent.</summary>
    public const int RowsPerPage = 10;

    public static ListingBudget Everything => new(int.MaxValue, int.MaxValue);

    /// <summary>
    /// The default: a kind is listed when its listing costs at most one request for every
    /// <see cref="RowsPerPage"/> rows it could save a create for. Fewer rows than that: not listed at all.
    /// </summary>
    public static ListingBudget WorthIt(int guestRows, int memberRows) => new(guestRows / RowsPerPage, memberRows / RowsPerPage);

    public int For(PersonKind kind) => kind == PersonKind.Guest ? GuestPages : MemberPages;

    public bool IsEmpty => GuestPages <= 0 && MemberPages <= 0;
}
