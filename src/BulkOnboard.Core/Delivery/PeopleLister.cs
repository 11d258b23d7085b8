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

/// <summary>
/// <c>--preflight</c>: pages through <c>GET /guests</c> and <c>GET /users</c> before anything is sent,
/// under the same flow control as every request (a 429 is waited out, not a failed page).
/// </summary>
internal sealed class PeopleLister(RequestDispatcher dispatcher, ILogger logger)
{
    /// <summary>Tallyfy's own default page sizes (TALLYFY-API.md, "Reading and listing"): most organizations list in one page each.</summary>
    private static int PageSize(PersonKind kind) => kind == PersonKind.Guest ? 999 : 9999;

    /// <summary>
    /// Who Tallyfy has. A listing that fails midway is reported in the log; what it did return is still
    /// used (those people exist).
    /// </summary>
    public async Task<ExistingPeople> ListExistingAsync(CancellationToken cancellationToken)
    {
        var (guests, guestPages) = await ListAsync(PersonKind.Guest, cancellationToken);
        var (members, memberPages) = await ListAsync(PersonKind.Member, cancellationToken);
        logger.LogInformation("Preflight: Tallyfy has {Guests} guests and {Members} members ({Requests} listing requests)", guests.Count, members.Count, guestPages + memberPages);
        return new ExistingPeople(guests, members, guestPages + memberPages);
    }

    private async Task<(HashSet<string> Emails, int Requests)> ListAsync(PersonKind kind, CancellationToken cancellationToken)
    {
        var emails = new HashSet<string>(StringComparer.Ordinal);
        var requests = 0;
        for (var page = 1; page <= 100_000; page++)
        {
            var attempts = new RowAttempts();
            var sent = await dispatcher.SendAsync((client, ct) => client.ListAsync(kind, page, PageSize(kind), ct), attempts, cancellationToken, cancellationToken);
            requests += attempts.Count;
            if (sent.Response is not { Status: >= 200 and < 300 } response)
            {
                var why = sent.End == DispatchEnd.Answered ? sent.Verdict.Message : sent.Message ?? "the run stopped";
                logger.LogWarning("Preflight: listing {Kind}s failed at page {Page} ({Why}); carrying on with the {Count} found so far", kind.ToWord(), page, why, emails.Count);
                break;
            }

            try
            {
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

                if (!HasMorePages(root, page, count, PageSize(kind)))
                {
                    break;
                }
            }
            catch (JsonException ex)
            {
                logger.LogWarning("Preflight: listing {Kind}s failed at page {Page} ({Message}); carrying on with the {Count} found so far", kind.ToWord(), page, ex.Message, emails.Count);
                break;
            }
        }

        return (emails, requests);
    }

    /// <summary>Laravel-style <c>meta.pagination.total_pages</c> when present, else "a full page means there may be more".</summary>
    private static bool HasMorePages(JsonElement root, int page, int count, int pageSize)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("meta", out var meta) && meta.TryGetProperty("pagination", out var pagination)
            && pagination.TryGetProperty("total_pages", out var total) && total.TryGetInt32(out var totalPages))
        {
            return page < totalPages;
        }

        return count >= pageSize;
    }
}
