using System.Text.Json.Serialization;
using BulkOnboard.Input;

namespace BulkOnboard.Validation;

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
