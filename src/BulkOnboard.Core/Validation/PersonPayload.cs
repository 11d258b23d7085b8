using System.Text.Json.Serialization;
using BulkOnboard.Input;

namespace BulkOnboard.Validation;

/// <summary>The JSON body of one API call; null fields are left out when serialized.</summary>
internal abstract record PersonPayload
{
    [JsonPropertyName("email")]
    public required string Email { get; init; }

    [JsonPropertyName("first_name")]
    public string? FirstName { get; init; }

    [JsonPropertyName("last_name")]
    public string? LastName { get; init; }

    [JsonIgnore]
    public abstract PersonKind Kind { get; }
}

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

/// <summary>Body of <c>POST /organizations/{org}/users/invite</c>.</summary>
internal sealed record MemberPayload : PersonPayload
{
    [JsonIgnore]
    public override PersonKind Kind => PersonKind.Member;

    [JsonPropertyName("role")]
    public required string Role { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    /// <summary>The row's time zone: never sent with the invite (it takes none), used by a sync's profile update.</summary>
    [JsonIgnore]
    public string? Timezone { get; init; }
}
