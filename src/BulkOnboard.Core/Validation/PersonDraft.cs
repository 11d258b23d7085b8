using BulkOnboard.Input;

namespace BulkOnboard.Validation;

/// <summary>A row's values by field, trimmed, before validation; defaults already applied.</summary>
internal sealed record PersonDraft
{
    public required PersonKind Kind { get; init; }
    public string? Email { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? CompanyName { get; init; }
    public string? Phone1 { get; init; }
    public string? Phone2 { get; init; }
    public string? Role { get; init; }
    public string? Timezone { get; init; }
    public string? AssociatedMembers { get; init; }
    public string? Message { get; init; }
    public string? CompanyUrl { get; init; }
    public string? ContactUrl { get; init; }
    public string? ImageUrl { get; init; }
    public string? OpportunityName { get; init; }
    public string? OpportunityUrl { get; init; }
    public string? Status { get; init; }
    public string? ExternalSyncSource { get; init; }
    public string? ExternalDateCreation { get; init; }
}
