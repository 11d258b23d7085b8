using BulkOnboard.Reporting;

namespace BulkOnboard.Delivery;

/// <summary>How sending one row ended; <see cref="StopsRun"/> when no later row can succeed either.</summary>
/// <param name="MaybeApplied">A request got no answer: Tallyfy may hold the person although the outcome says otherwise.</param>
internal sealed record DeliveryResult(Outcome Outcome, string? Reason, int? HttpStatus, int Attempts, string? TallyfyId, string? Message, bool StopsRun = false, bool MaybeApplied = false);
