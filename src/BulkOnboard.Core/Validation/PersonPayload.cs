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
