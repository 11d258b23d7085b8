namespace BulkOnboard.Delivery;

/// <summary>What <c>GET /guests/{email}</c> says about who created a guest.</summary>
internal enum GuestOrigin
{
    /// <summary>No answer, or no creation time: cannot tell.</summary>
    Unknown,

    /// <summary>Created at or after this run's first unanswered attempt: that attempt created it.</summary>
    ThisRun,

    /// <summary>Created before this run tried: it already existed.</summary>
    BeforeThisRun,
}
