using System.Text.Json;
using BulkOnboard.Input;
using BulkOnboard.Plan;

namespace BulkOnboard.Delivery;

/// <summary>
/// What the sender reads back from Tallyfy: the groups with their lists, one group just before its write,
/// one member or guest (to settle a leaver action, or a create after a lost answer). Reads go through the
/// same attempts, pacing and outage handling as writes.
/// </summary>
internal sealed partial class RowSender
{
    /// <summary>
    /// Every group Tallyfy lists, with their lists; throws <see cref="InputException"/> when the listing cannot
    /// be read whole or shown complete (<see cref="ListingProgress"/>: a short page and the count read reaching its total).
    /// </summary>
    internal async Task<List<ListedGroup>> ListGroupsAsync(CancellationToken cancellationToken)
    {
        var groups = new List<ListedGroup>();
        var progress = new ListingProgress(PeopleLister.PageSize);
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var page = 1; page <= ListingProgress.MaxPages; page++)
        {
            var sent = await _attempts.RunAsync(RequestScope.Read, (client, ct) => client.ListGroupsAsync(page, PeopleLister.PageSize, ct), new RowAttempts(), cancellationToken, cancellationToken);
            if (sent.Response is not { Status: >= 200 and < 300 } response)
            {
                throw new InputException($"cannot plan the sync's groups: listing Tallyfy's groups failed at page {page} ({(sent.End == DispatchEnd.Answered ? sent.Verdict.Message : sent.Message)}); {progress.Describe("groups")}; nothing was changed",
                    retryLater: PeopleLister.IsTransient(sent));
            }

            GroupPage found;
            try
            {
                found = GroupJson.ParsePage(response.RawBody);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                throw new InputException($"cannot plan the sync's groups: Tallyfy's group listing could not be read ({ex.Message}); nothing was changed");
            }

            var state = progress.Add(found.Groups.Select(g => g.Id), found.Count, found.Total);
            groups.AddRange(found.Groups.Where(g => ids.Add(g.Id)));
            switch (state)
            {
                case ListingState.Complete:
                    return groups;
                case ListingState.Incomplete:
                    throw new InputException($"cannot plan the sync's groups: Tallyfy's group listing could not be shown complete: {progress.Describe("groups")} ({progress.Shortfall}); nothing was changed");
            }
        }

        return groups;
    }

    /// <summary><c>GET /groups/{id}</c> with its lists, just before a write: the group as Tallyfy holds it now, or why it could not be read.</summary>
    internal async Task<(ListedGroup? Group, string? Failure)> ReadGroupAsync(string id, CancellationToken stopSending, CancellationToken hardStop)
    {
        var read = await _attempts.RunAsync(RequestScope.Read, (client, ct) => client.GetGroupAsync(id, ct), new RowAttempts(), stopSending, hardStop);
        if (read.Response is not { Status: >= 200 and < 300 } response)
        {
            return (null, Why(read));
        }

        return TryParseGroup(response) is { } group ? (group, null) : (null, "Tallyfy's answer is not a group");
    }

    /// <summary><c>GET /users/{id}</c>: the member as Tallyfy holds them now; <c>Gone</c> when Tallyfy has no such member; else why it could not be read.</summary>
    internal async Task<(ListedPerson? Member, bool Gone, string? Failure)> ReadMemberAsync(string id, CancellationToken stopSending, CancellationToken hardStop)
    {
        var read = await _attempts.RunAsync(RequestScope.Read, (client, ct) => client.GetMemberAsync(id, ct), new RowAttempts(), stopSending, hardStop);
        if (IsMissing(read))
        {
            return (null, true, null);
        }

        if (read.Response is not { Status: >= 200 and < 300 } response)
        {
            return (null, false, Why(read));
        }

        return ListingPage.ReadOne(response.RawBody) is { } member ? (member, false, null) : (null, false, "Tallyfy's answer is not a member");
    }

    /// <summary><c>GET /guests/{email}</c>: whether the organization still has the guest (<c>null</c>, with why, when it could not be read).</summary>
    internal async Task<(bool? Present, string? Failure)> ReadGuestPresenceAsync(string email, CancellationToken stopSending, CancellationToken hardStop)
    {
        var (present, _, failure) = await ReadGuestAsync(email, stopSending, hardStop);
        return (present, failure);
    }

    /// <summary><c>GET /guests/{email}</c>: whether the organization has the guest, the guest as Tallyfy holds them, or why it could not be read.</summary>
    internal async Task<(bool? Present, ListedPerson? Guest, string? Failure)> ReadGuestAsync(string email, CancellationToken stopSending, CancellationToken hardStop)
    {
        var read = await _attempts.RunAsync(RequestScope.Read, (client, ct) => client.GetGuestAsync(email, ct), new RowAttempts(), stopSending, hardStop);
        if (IsMissing(read))
        {
            return (false, null, null);
        }

        if (read.Response is not { Status: >= 200 and < 300 } response)
        {
            return (null, null, Why(read));
        }

        // A removed guest may still be read back soft-deleted: deleted_at set.
        return ListingPage.ReadOne(response.RawBody) is not { } guest ? (null, null, "Tallyfy's answer is not a guest") : (!ListingPage.IsDeleted(response.RawBody), guest, null);
    }

    /// <summary>A 404 for the one thing asked about, not one that says the run is pointed at the wrong place (a wrong base URL or organization says nothing about the person).</summary>
    private static bool IsMissing(Dispatched read) =>
        read is { End: DispatchEnd.Answered, Response.Status: 404 } && read.Verdict.Kind != ApiVerdictKind.WrongTarget;

    private static string Why(Dispatched read) => read.End == DispatchEnd.Answered
        ? read.Verdict.Message ?? $"HTTP {read.Verdict.Status}"
        : read.Message ?? "the run stopped before it could be read";
}
