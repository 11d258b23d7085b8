using BulkOnboard.Input;
using BulkOnboard.Validation;
using Outcome = BulkOnboard.Validation.Outcome;

namespace BulkOnboard.Delivery;

/// <summary>
/// How the sender settles a create or invite whose fate its answers did not tell: an attempt that got no
/// answer before a retry found the email taken, and a 2xx that was not Tallyfy's answer on every attempt.
/// Tallyfy is read back where it can tell (a guest, by its creation time); only what Tallyfy confirms is
/// recorded as BulkOnboard's (<see cref="DeliveryResult.Onboarded"/>).
/// </summary>
internal sealed partial class RowSender
{
    /// <summary>
    /// An attempt got no answer and a retry found the email taken: did that attempt do it? For a guest
    /// the API can tell (its creation time); for a member it cannot, and the likelier story is reported.
    /// </summary>
    private async Task<DeliveryResult> ResolveUnansweredAsync(PersonPayload payload, ApiVerdict verdict, RowAttempts attempts, DateTimeOffset unansweredAt, CancellationToken stopSending, CancellationToken hardStop)
    {
        if (payload.Kind == PersonKind.Guest)
        {
            // Read with the same retries as any request: a failed read would leave the question open.
            var read = await _attempts.RunAsync(RequestScope.Read, (client, ct) => client.GetGuestAsync(payload.Email, ct), new RowAttempts(), stopSending, hardStop);
            var (origin, createdAt) = read.Response is { } response
                ? GuestConfirmation.Judge(response, unansweredAt, _dispatcher.Now)
                : (GuestOrigin.Unknown, null);
            switch (origin)
            {
                case GuestOrigin.ThisRun:
                    return new(Outcome.Created, null, verdict.Status, attempts.Count, null,
                        $"an earlier attempt got no answer ({attempts.LastError}); Tallyfy shows the guest created then ({createdAt:u}), so that attempt created it");
                case GuestOrigin.BeforeThisRun:
                    return new(Outcome.Skipped, Outcomes.AlreadyExists, verdict.Status, attempts.Count, null,
                        $"{verdict.Message} (the guest existed before this run: created {createdAt:u})");
            }
        }

        var success = payload.Kind == PersonKind.Guest ? Outcome.Created : Outcome.Invited;
        return new(success, null, verdict.Status, attempts.Count, null,
            $"an earlier attempt got no answer ({attempts.LastError}) and the retry found the email already in Tallyfy: most likely that attempt {(success == Outcome.Created ? "created" : "invited")} it "
            + "(not confirmed by Tallyfy, so not recorded as BulkOnboard's: a sync never removes this person unless Sync:ManageExisting)", Unconfirmed: true);
    }

    /// <summary>
    /// Every attempt was answered 2xx with something that is not Tallyfy's answer (<see cref="ApiVerdictKind.Unconfirmed"/>):
    /// the create may or may not have been applied. A guest is read back: created by this run when Tallyfy
    /// shows it created since the first such attempt, not created when Tallyfy does not hold it (a re-run
    /// sends it), unknown otherwise. A member cannot be read by email: unknown, and a re-run settles it.
    /// </summary>
    private async Task<DeliveryResult> SettleUnconfirmedAsync(PersonPayload payload, ApiVerdict verdict, RowAttempts attempts, CancellationToken stopSending, CancellationToken hardStop)
    {
        var answered = $"{verdict.Message} (after {attempts.Count} attempt(s))";
        if (payload.Kind == PersonKind.Member)
        {
            return new(Outcome.Failed, null, verdict.Status, attempts.Count, null,
                $"{answered}; the invite may have been sent, and Tallyfy cannot be asked about one invite, so it is not counted as invited; a re-run settles it", MaybeApplied: true);
        }

        var read = await _attempts.RunAsync(RequestScope.Read, (client, ct) => client.GetGuestAsync(payload.Email, ct), new RowAttempts(), stopSending, hardStop);
        if (IsMissing(read))
        {
            return new(Outcome.Failed, null, verdict.Status, attempts.Count, null, $"{answered}; read back, Tallyfy does not hold the guest: nothing was created, a re-run sends it again");
        }

        var (origin, createdAt) = read.Response is { } response && attempts.FirstUnansweredAt is { } firstAt
            ? GuestConfirmation.Judge(response, firstAt, _dispatcher.Now)
            : (GuestOrigin.Unknown, null);
        return origin switch
        {
            GuestOrigin.ThisRun => new(Outcome.Created, null, verdict.Status, attempts.Count, ListingPage.ReadOne(read.Response!.RawBody)?.Id,
                $"{answered}; read back, Tallyfy holds the guest, created {createdAt:u} by this run"),
            GuestOrigin.BeforeThisRun => new(Outcome.Skipped, Outcomes.AlreadyExists, verdict.Status, attempts.Count, null,
                $"{answered}; read back, the guest existed before this run (created {createdAt:u})"),
            _ => new(Outcome.Failed, null, verdict.Status, attempts.Count, null,
                $"{answered}; it could not be read back ({Why(read)}), so it may have been applied; a re-run settles it", MaybeApplied: true),
        };
    }
}
