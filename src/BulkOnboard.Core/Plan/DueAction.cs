using BulkOnboard.Input;

namespace BulkOnboard.Plan;

/// <summary>
/// A dated action waiting in the journal for its time (PRODUCT.md, "Dates"): a joiner's create or invite
/// (with the payload to send), or a leaver's deactivation or removal (with the member's id).
/// </summary>
/// <param name="Action">create, invite, deactivate or remove (<see cref="PlanActions.ToWord"/>).</param>
/// <param name="DueAt">When it is due, as an instant.</param>
/// <param name="DueLocal">The same as the person's calendar shows it: <c>2026-12-08 00:00 Europe/Berlin</c>.</param>
/// <param name="Payload">A joiner's payload as JSON (what the due run sends).</param>
/// <param name="Source">The file or roster it came from.</param>
internal sealed record DueAction(PersonKind Kind, string Email, string Action, DateTimeOffset DueAt, string DueLocal, string? Payload, string? TallyfyId, string? Source)
{
    /// <summary>The journal's id (0 before it is recorded).</summary>
    public long Id { get; init; }

    public bool IsJoiner => Action is "create" or "invite";

    /// <summary>A leaver's deactivation or removal: what the leaver policy judges.</summary>
    public bool IsLeaver => Action is "deactivate" or "remove";

    /// <summary>The prefix of an onboarding journey's dated launch (<c>launch:JOURNEY</c>; its payload the row's values).</summary>
    public const string LaunchPrefix = "launch:";

    /// <summary>An onboarding journey's launch, due on its day once the person is onboarded (PRODUCT.md, "Onboarding journeys").</summary>
    public bool IsLaunch => Action.StartsWith(LaunchPrefix, StringComparison.Ordinal);

    /// <summary>The journey a launch is of.</summary>
    public string? Journey => IsLaunch ? Action[LaunchPrefix.Length..] : null;

    /// <summary>The leaver policy's guard holding this action, when it is parked (<see cref="LeaverPolicy"/>'s codes): held, it stays pending.</summary>
    public string? HeldCode { get; init; }

    /// <summary>The guard in words, when <see cref="HeldCode"/> is set.</summary>
    public string? HeldReason { get; init; }

    /// <summary>When the policy last judged a parked action held (a due check reads the people again a day later).</summary>
    public DateTimeOffset? ParkedAt { get; init; }

    /// <summary>A joiner's names as its payload keeps them (for its report line); a leaver's payload is none.</summary>
    public (string? First, string? Last) Names()
    {
        if (Payload is null)
        {
            return (null, null);
        }

        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(Payload);
            return (Text(json.RootElement, "first_name"), Text(json.RootElement, "last_name"));
        }
        catch (System.Text.Json.JsonException)
        {
            // Sending it tells (the payload is read again then); the report line only goes without names.
            return (null, null);
        }

        static string? Text(System.Text.Json.JsonElement payload, string name) =>
            payload.ValueKind == System.Text.Json.JsonValueKind.Object && payload.TryGetProperty(name, out var value)
            && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>One line of a calendar: <c>invite ann@x.example due 2026-12-08 00:00 Europe/Berlin</c>.</summary>
    public override string ToString() => $"{Action} {Email} due {DueLocal}";
}
