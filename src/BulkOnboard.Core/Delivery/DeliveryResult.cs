using BulkOnboard.Validation;

namespace BulkOnboard.Delivery;

/// <summary>How sending one row ended; <see cref="StopsRun"/> when no later row can succeed either.</summary>
/// <param name="MaybeApplied">A request got no answer: Tallyfy may hold the person although the outcome says otherwise.</param>
/// <param name="Unconfirmed">Reported created/invited because an unanswered attempt most likely did it, which Tallyfy did not confirm: not claimed as BulkOnboard's.</param>
/// <param name="Linked">A guest create that Tallyfy answered 201 for someone it already knew (created before this run): linked, not created.</param>
internal sealed record DeliveryResult(Outcome Outcome, string? Reason, int? HttpStatus, int Attempts, string? TallyfyId, string? Message, bool StopsRun = false, bool MaybeApplied = false,
    bool Linked = false, bool Unconfirmed = false)
{
    /// <summary>Tallyfy's <c>X-Request-Id</c> of the row's last request that was answered.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Whether Tallyfy's answer shows that this request created the guest or invited the member: the one
    /// rule for "BulkOnboard onboarded this person" (the journal's provenance). An update, a duplicate, a
    /// link or a 422 never does.
    /// </summary>
    public bool Onboarded => !Linked && !Unconfirmed && Outcome is Outcome.Created or Outcome.Invited;

    /// <summary>The stop path's one result: nothing was sent because the run is stopping (<paramref name="why"/>); a re-run sends it.</summary>
    public static DeliveryResult NotSent(string? why) => new(Outcome.NotAttempted, null, null, 0, null, $"not sent: {why ?? "the run stopped"}");
}
