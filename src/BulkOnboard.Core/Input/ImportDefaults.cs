namespace BulkOnboard.Input;

/// <summary>What a row gets when its own cells say nothing: from the command line or <c>Import:*</c> settings.</summary>
internal sealed record ImportDefaults(PersonKind? Kind, string? Role, string? InviteMessage);
