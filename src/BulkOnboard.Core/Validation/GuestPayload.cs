using System.Text.Json.Serialization;
using BulkOnboard.Input;

namespace BulkOnboard.Validation;

/// <summary>Body of <c>POST /organizations/{org}/guests</c>.</summary>
internal sealed record GuestPayload : PersonPayload
{
    [JsonIgnore]
    public override PersonKind Kind => PersonKind.Guest;

    /// <summary>Guests only: Tallyfy's invite takes no time zone (TALLYFY-API.md), so a member's is checked but not sent.</summary>
    [JsonPropertyName("timezone")]
    public string? Timezone { get; init; }

    [JsonPropertyName("phone_1")]
    public string? Phone1 { get; init; }

    [JsonPropertyName("phone_2")]
    public string? Phone2 { get; init; }

    [JsonPropertyName("company_name")]
    public string? CompanyName { get; init; }

    [JsonPropertyName("company_url")]
    public string? CompanyUrl { get; init; }

    [JsonPropertyName("contact_url")]
    public string? ContactUrl { get; init; }

    [JsonPropertyName("image_url")]
    public string? ImageUrl { get; init; }

    [JsonPropertyName("opportunity_name")]
    public string? OpportunityName { get; init; }

    [JsonPropertyName("opportunity_url")]
    public string? OpportunityUrl { get; init; }

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("associated_members")]
    public IReadOnlyList<long>? AssociatedMembers { get; init; }

    [JsonPropertyName("external_sync_source")]
    public string? ExternalSyncSource { get; init; }

    [JsonPropertyName("external_date_creation")]
    public string? ExternalDateCreation { get; init; }
}
