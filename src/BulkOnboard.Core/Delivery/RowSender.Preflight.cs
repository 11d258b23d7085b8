using System.Text.Json;
using BulkOnboard.Input;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Delivery;

/// <summary>The people Tallyfy already has, as <c>--preflight</c> found them.</summary>
public sealed record ExistingPeople(HashSet<string> Guests, HashSet<string> Members, int Requests)
{
    /// <summary>Whether a create for this row would meet an existing email: a guest's email may belong to a member too.</summary>
    public bool Contains(PersonKind kind, string email)
    {
        var key = EmailAddress.Normalize(email);
        return kind == PersonKind.Member ? Members.Contains(key) : Guests.Contains(key) || Members.Contains(key);
    }
}

/// <summary><c>--preflight</c>: lists what Tallyfy has before anything is sent.</summary>
public sealed partial class RowSender
{
    private const int ListPageSize = 100;

    /// <summary>
    /// Pages through <c>GET /guests</c> and <c>GET /users</c>, paced by the same gate and counted as requests.
    /// A listing that fails midway is reported in the log; what it did return is still used (those people exist).
    /// </summary>
    public async Task<ExistingPeople> ListExistingAsync(CancellationToken cancellationToken)
    {
        var (guests, guestPages) = await ListAsync(PersonKind.Guest, cancellationToken);
        var (members, memberPages) = await ListAsync(PersonKind.Member, cancellationToken);
        _logger.LogInformation("Preflight: Tallyfy has {Guests} guests and {Members} members ({Requests} listing requests)", guests.Count, members.Count, guestPages + memberPages);
        return new ExistingPeople(guests, members, guestPages + memberPages);
    }

    private async Task<(HashSet<string> Emails, int Requests)> ListAsync(PersonKind kind, CancellationToken cancellationToken)
    {
        var emails = new HashSet<string>(StringComparer.Ordinal);
        var requests = 0;
        for (var page = 1; page <= 100_000; page++)
        {
            try
            {
                await _gate.WaitTurnAsync(cancellationToken);
                _stats.CountRequest();
                requests++;
                var response = await _client.ListAsync(kind, page, ListPageSize, cancellationToken);
                if (response.Status != 200)
                {
                    _logger.LogWarning("Preflight: listing {Kind}s failed at page {Page} (HTTP {Status}); carrying on with the {Count} found so far", kind.ToWord(), page, response.Status, emails.Count);
                    break;
                }

                using var document = JsonDocument.Parse(response.Body);
                var root = document.RootElement;
                var data = root.ValueKind == JsonValueKind.Array ? root : root.TryGetProperty("data", out var d) ? d : default;
                var count = 0;
                if (data.ValueKind == JsonValueKind.Array)
                {
                    foreach (var person in data.EnumerateArray())
                    {
                        count++;
                        if (person.ValueKind == JsonValueKind.Object && person.TryGetProperty("email", out var email) && email.GetString() is { } text)
                        {
                            emails.Add(EmailAddress.Normalize(text));
                        }
                    }
                }

                if (!HasMorePages(root, page, count))
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning("Preflight: listing {Kind}s failed at page {Page} ({Message}); carrying on with the {Count} found so far", kind.ToWord(), page, ex.Message, emails.Count);
                break;
            }
        }

        return (emails, requests);
    }

    /// <summary>Laravel-style <c>meta.pagination.total_pages</c> when present, else "a full page means there may be more".</summary>
    private static bool HasMorePages(JsonElement root, int page, int count)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("meta", out var meta) && meta.TryGetProperty("pagination", out var pagination)
            && pagination.TryGetProperty("total_pages", out var total) && total.TryGetInt32(out var totalPages))
        {
            return page < totalPages;
        }

        return count >= ListPageSize;
    }
}
