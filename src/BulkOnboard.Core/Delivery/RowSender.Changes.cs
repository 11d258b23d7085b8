using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outcome = BulkOnboard.Validation.Outcome;

namespace BulkOnboard.Delivery;

/// <summary>
/// What the sender changes for someone Tallyfy already has (sync's movers and leavers, undo, groups): one
/// request each through the attempts, judged by Tallyfy's answer, never by what was sent.
/// </summary>
internal sealed partial class RowSender
{
    /// <summary><c>POST /groups</c> (a group the roster names that Tallyfy lacks, with <c>Sync:CreateGroups</c>); the group's id comes back in the result.</summary>
    internal Task<DeliveryResult> CreateGroupAsync(string name, IReadOnlyList<long> members, IReadOnlyList<string> guests, CancellationToken stopSending, CancellationToken hardStop) =>
        ChangeAsync((client, ct) => client.CreateGroupAsync(name, "Created by BulkOnboard sync", members, guests, ct), Outcome.Created, stopSending, hardStop, GroupId);

    /// <summary><c>PUT /groups/{id}</c> with the whole new lists; <see cref="Outcome.Updated"/> only when Tallyfy's answer holds them.</summary>
    internal async Task<DeliveryResult> UpdateGroupAsync(ListedGroup group, IReadOnlyList<long> members, IReadOnlyList<string> guests, CancellationToken stopSending, CancellationToken hardStop)
    {
        ListedGroup? answered = null;
        var result = await ChangeAsync((client, ct) => client.UpdateGroupAsync(group, members, guests, ct), Outcome.Updated, stopSending, hardStop, response =>
        {
            answered = TryParseGroup(response);
            return answered?.Id ?? group.Id;
        });

        // Judged by Tallyfy's answer: when it shows the lists, they must be the ones sent.
        if (result.Outcome == Outcome.Updated && answered is { ShowsLists: true }
            && (!answered.Members.Order().SequenceEqual(members.Order()) || !answered.Guests.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(guests.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase)))
        {
            return result with { Outcome = Outcome.Failed, Message = $"Tallyfy answered the update of group '{group.Name}' without the lists sent: it was not applied as asked" };
        }

        return result;
    }

    private static string? GroupId(ApiResponse response) => TryParseGroup(response)?.Id;

    private static ListedGroup? TryParseGroup(ApiResponse response)
    {
        try
        {
            return GroupJson.ParseOne(response.RawBody);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary><c>PUT /users/{id}</c> for a sync's mover whose names changed (Tallyfy requires the time zone every time).</summary>
    /// <remarks>
    /// A member who belongs to other organizations can only change their own profile: Tallyfy refuses an
    /// admin's update, and that row is <c>skipped</c>/<c>not_updatable</c>; the run goes on.
    /// </remarks>
    internal Task<DeliveryResult> UpdateProfileAsync(string memberId, string firstName, string lastName, string timezone, CancellationToken stopSending, CancellationToken hardStop) =>
        ChangeAsync((client, ct) => client.UpdateProfileAsync(memberId, firstName, lastName, timezone, ct), Outcome.Updated, stopSending, hardStop,
            refused: (verdict, attempts) => verdict is { Kind: ApiVerdictKind.Forbidden or ApiVerdictKind.Rejected } && InOtherOrganizations(verdict.Message)
                ? new(Outcome.Skipped, Outcomes.NotUpdatable, verdict.Status, attempts.Count, memberId,
                    $"{verdict.Message}; the member belongs to other organizations, so only they can change their profile")
                : null);

    private static bool InOtherOrganizations(string? message) =>
        message is not null && (message.Contains("other organization", StringComparison.OrdinalIgnoreCase) || message.Contains("multiple organization", StringComparison.OrdinalIgnoreCase));

    /// <summary><c>PUT /users/{id}/role</c> for a sync's mover.</summary>
    internal Task<DeliveryResult> ChangeRoleAsync(string memberId, string role, CancellationToken stopSending, CancellationToken hardStop) =>
        ChangeAsync((client, ct) => client.ChangeRoleAsync(memberId, role, ct), Outcome.Updated, stopSending, hardStop);

    /// <summary><c>DELETE /users/{id}</c> for a sync's leaver.</summary>
    internal Task<DeliveryResult> DeactivateAsync(string memberId, string? reassignTo, CancellationToken stopSending, CancellationToken hardStop) =>
        ChangeAsync((client, ct) => client.DeactivateMemberAsync(memberId, reassignTo, ct), Outcome.Deactivated, stopSending, hardStop);

    /// <summary><c>PUT /users/{id}/enable</c> for <c>sync --undo</c>.</summary>
    internal Task<DeliveryResult> EnableAsync(string memberId, CancellationToken stopSending, CancellationToken hardStop) =>
        ChangeAsync((client, ct) => client.EnableMemberAsync(memberId, ct), Outcome.Updated, stopSending, hardStop);

    /// <summary><c>POST /guests/{email}/to/member</c> (a contractor hired): the new member's id comes back in the result.</summary>
    internal Task<DeliveryResult> ConvertToMemberAsync(string email, CancellationToken stopSending, CancellationToken hardStop) =>
        ChangeAsync((client, ct) => client.ConvertGuestToMemberAsync(email, ct), Outcome.Updated, stopSending, hardStop);

    /// <summary><c>PUT /users/{id}/to/guest</c> (an employee turned contractor): deactivates the member, keeps their tasks.</summary>
    internal Task<DeliveryResult> ConvertToGuestAsync(string memberId, CancellationToken stopSending, CancellationToken hardStop) =>
        ChangeAsync((client, ct) => client.ConvertMemberToGuestAsync(memberId, ct), Outcome.Updated, stopSending, hardStop);

    /// <summary><c>DELETE /guests/{email}</c> for a sync's leaver.</summary>
    internal Task<DeliveryResult> RemoveGuestAsync(string email, CancellationToken stopSending, CancellationToken hardStop) =>
        ChangeAsync((client, ct) => client.RemoveGuestAsync(email, ct), Outcome.Removed, stopSending, hardStop);

    /// <summary>A change to someone Tallyfy has, judged by its answer: a 2xx is <paramref name="success"/>, anything else fails with Tallyfy's message.</summary>
    /// <param name="refused">A refusal that means something other than a failure for this change (its result), else <c>null</c>.</param>
    private async Task<DeliveryResult> ChangeAsync(Func<TallyfyClient, CancellationToken, Task<ApiResponse>> request, Outcome success, CancellationToken stopSending, CancellationToken hardStop,
        Func<ApiResponse, string?>? readId = null, Func<ApiVerdict, RowAttempts, DeliveryResult?>? refused = null)
    {
        var attempts = new RowAttempts();
        var sent = await _attempts.RunAsync(RequestScope.Write, request, attempts, stopSending, hardStop);
        return WithRequestId(Changed(sent, attempts, success, readId, refused), attempts);
    }

    private DeliveryResult Changed(Dispatched sent, RowAttempts attempts, Outcome success, Func<ApiResponse, string?>? readId, Func<ApiVerdict, RowAttempts, DeliveryResult?>? refused)
    {
        if (Ended(sent, attempts) is { } ended)
        {
            return ended;
        }

        var verdict = sent.Verdict;
        if (verdict.Kind != ApiVerdictKind.Succeeded && refused?.Invoke(verdict, attempts) is { } meant)
        {
            return meant;
        }

        return verdict.Kind switch
        {
            ApiVerdictKind.Succeeded => Succeeded(new(success, null, verdict.Status, attempts.Count, readId is not null && sent.Response is { } answer ? readId(answer) : verdict.TallyfyId, null)),
            ApiVerdictKind.Forbidden or ApiVerdictKind.InvitesBlockedBySso => Forbidden(verdict, attempts),
            ApiVerdictKind.NoAnswer => new(Outcome.Failed, null, null, attempts.Count, null, $"no answer after {attempts.Count} attempt(s): {verdict.Message}", MaybeApplied: true),
            _ => new(Outcome.Failed, null, NullIfZero(verdict.Status), attempts.Count, null, verdict.Message ?? $"HTTP {verdict.Status}", MaybeApplied: attempts.MaybeApplied),
        };
    }
}
