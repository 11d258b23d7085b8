using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outcome = BulkOnboard.Validation.Outcome;

namespace BulkOnboard.Delivery;

/// <summary>
/// How the sender scopes Tallyfy's refusals: one row's 403, a kind's (a seat pool, SSO), the whole run's
/// (the first requests all refused), and the result of a row that was not sent.
/// </summary>
internal sealed partial class RowSender
{
    /// <summary>Why a member invite is not sent any more this run, or <c>null</c> when it may go.</summary>
    private string? NotSendable(MemberPayload member)
    {
        if (_ssoBlocksInvites)
        {
            return "not sent: the organization requires SSO, so Tallyfy blocks manual member invites (HTTP 403 earlier in this run); guests go on";
        }

        var pool = PoolOf(member);
        return (pool == "light" ? _lightSeatsGone : _fullSeatsGone)
            ? $"not sent: Tallyfy has no seats left in the {pool} seat pool ({(pool == "light" ? "light" : "admin and standard")} members; HTTP 409 earlier in this run); guests and the other pool go on; a re-run invites the rest once seats are added"
            : null;
    }

    /// <summary>The seat pool an invite takes a seat from: <c>light</c> its own, admin and standard the <c>full</c> pool.</summary>
    private static string PoolOf(MemberPayload member) => string.Equals(member.Role, "light", StringComparison.OrdinalIgnoreCase) ? "light" : "full";

    private DeliveryResult Succeeded(DeliveryResult result)
    {
        Interlocked.Increment(ref _succeeded);
        return result;
    }

    private DeliveryResult Forbidden(ApiVerdict verdict, RowAttempts attempts)
    {
        if (Volatile.Read(ref _succeeded) == 0 && Interlocked.Increment(ref _forbidden) >= ForbiddenBeforeStop)
        {
            return new(Outcome.NotAttempted, null, verdict.Status, attempts.Count, null,
                $"{verdict.Message}; the first {ForbiddenBeforeStop} requests were all refused and none succeeded: the token lacks the permission, the run stops", StopsRun: true);
        }

        return new(Outcome.Failed, null, verdict.Status, attempts.Count, null, verdict.Message);
    }

    private DeliveryResult SeatsGone(ApiVerdict verdict, RowAttempts attempts, MemberPayload? member)
    {
        // The pool the 409 names; without one, the pool this invite drew on; a 409 with neither ends both.
        var pool = verdict.SeatPool ?? (member is null ? null : PoolOf(member));
        if (pool is null or "full")
        {
            _fullSeatsGone = true;
        }

        if (pool is null or "light")
        {
            _lightSeatsGone = true;
        }

        var stops = pool switch
        {
            "full" => "admin and standard invites stop for this run; light invites and guests go on",
            "light" => "light invites stop for this run; admin and standard invites and guests go on",
            _ => "member invites stop for this run, guests go on",
        };
        return new(Outcome.NotAttempted, null, verdict.Status, attempts.Count, null,
            $"{verdict.Message}; {stops}; a re-run invites the rest once seats are added", MaybeApplied: attempts.MaybeApplied);
    }

    private DeliveryResult SsoBlocked(ApiVerdict verdict, RowAttempts attempts)
    {
        _ssoBlocksInvites = true;
        return new(Outcome.NotAttempted, null, verdict.Status, attempts.Count, null,
            $"{verdict.Message}; member invites stop for this run, guests go on; invite members through SSO, or turn \"Require SSO\" off and run again", MaybeApplied: attempts.MaybeApplied);
    }

    private static DeliveryResult NotAttempted(RowAttempts attempts, string message) =>
        new(Outcome.NotAttempted, null, null, attempts.Count, null, message, MaybeApplied: attempts.MaybeApplied);

    private static int? NullIfZero(int status) => status == 0 ? null : status;
}
