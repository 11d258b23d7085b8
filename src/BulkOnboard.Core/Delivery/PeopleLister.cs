using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Delivery;

/// <summary>The people Tallyfy already has, as the preflight listing found them (a kind not listed is empty).</summary>
/// <param name="Stop">What the listing met that stops the run (a wrong target, a refused token, the API down past <c>Delivery:GiveUpAfter</c>).</param>
internal sealed record ExistingPeople(HashSet<string> Guests, HashSet<string> Members, int Requests, DeliveryResult? Stop = null)
{
    /// <summary>Whether a create for this row would meet an existing email: a guest's email may belong to a member too.</summary>
    public bool Contains(PersonKind kind, string email)
    {
        var key = EmailAddress.Normalize(email);
        return kind == PersonKind.Member ? Members.Contains(key) : Guests.Contains(key) || Members.Contains(key);
    }
}

/// <summary>
/// The preflight: pages through <c>GET /guests</c> and <c>GET /users</c> before anything is sent,
/// under the same flow control, retries and outage handling as every request (<see cref="AttemptLoop"/>:
/// a 429 is waited out and a transient 5xx retried, not a failed page). A listing is complete only when
/// <see cref="ListingProgress"/> can show it: a short or empty page, and the count read reaching the
/// listing's <c>total</c>.
/// </summary>
internal sealed class PeopleLister(AttemptLoop attemptLoop, ILogger logger)
{
    /// <summary>
    /// What is asked for a page: 100, the server's real cap (Tallyfy's own CLI treats it so; the
    /// documented defaults of 999 and 9,999 are not what a page holds).
    /// </summary>
    public const int PageSize = 100;

    /// <summary>
    /// Who Tallyfy has, within <paramref name="budget"/>. Page one says how many pages a listing will take
    /// (its <c>total</c> at the size the page came in): one that would take more than its budget stops
    /// there (what page one holds is still used). A listing that fails midway, or cannot be shown
    /// complete, is reported in the log; what it did return is still used (those people exist). A failure
    /// that no later request escapes either (<see cref="RowSender.Ended"/>: a wrong target, a refused token)
    /// ends the listing and is handed back in <see cref="ExistingPeople.Stop"/>, for the run to stop on.
    /// </summary>
    public async Task<ExistingPeople> ListExistingAsync(ListingBudget budget, CancellationToken cancellationToken)
    {
        var (guests, guestPages, stop) = await ListAsync(PersonKind.Guest, budget.GuestPages, cancellationToken);
        if (stop is not null)
        {
            return new ExistingPeople(guests, [], guestPages, stop);
        }

        (var members, var memberPages, stop) = await ListAsync(PersonKind.Member, budget.MemberPages, cancellationToken);
        if (stop is not null)
        {
            return new ExistingPeople(guests, members, guestPages + memberPages, stop);
        }

        logger.LogInformation("Preflight: Tallyfy has {Guests} guests and {Members} members ({Requests} listing requests)",
            budget.GuestPages > 0 ? guests.Count : "(not listed)" as object, budget.MemberPages > 0 ? members.Count : "(not listed)" as object, guestPages + memberPages);
        return new ExistingPeople(guests, members, guestPages + memberPages);
    }

    /// <summary>
    /// Everyone of <paramref name="kind"/> Tallyfy lists, page by page, for a sync. Unlike the preflight,
    /// a listing that cannot be read whole, or shown complete, is an error: a sync never plans from part of Tallyfy.
    /// </summary>
    public async Task<(List<ListedPerson> People, int Requests)> ListAllAsync(PersonKind kind, CancellationToken cancellationToken)
    {
        var people = new List<ListedPerson>();
        var requests = 0;
        var progress = new ListingProgress(PageSize);
        await foreach (var page in PagesAsync(kind, progress, int.MaxValue, cancellationToken))
        {
            requests += page.Requests;
            if (page.Listing is not { } listing)
            {
                throw new InputException($"cannot plan the sync: listing Tallyfy's {kind.ToWord()}s failed at page {page.Number} ({page.Failure}); {progress.Describe(kind.ToWord() + "s")}; nothing was changed",
                    retryLater: page.Transient);
            }

            people.AddRange(listing.People);
        }

        if (progress.Shortfall is { } shortfall)
        {
            throw new InputException($"cannot plan the sync: Tallyfy's {kind.ToWord()} listing could not be shown complete: {progress.Describe(kind.ToWord() + "s")} ({shortfall}); nothing was changed");
        }

        // Pages that overlapped (people added while listing) must not list a person twice.
        return ([.. people.DistinctBy(p => EmailAddress.Normalize(p.Email))], requests);
    }

    private async Task<(HashSet<string> Emails, int Requests, DeliveryResult? Stop)> ListAsync(PersonKind kind, int budget, CancellationToken cancellationToken)
    {
        var emails = new HashSet<string>(StringComparer.Ordinal);
        var requests = 0;
        var progress = new ListingProgress(PageSize);
        await foreach (var page in PagesAsync(kind, progress, budget, cancellationToken))
        {
            requests += page.Requests;
            if (page.Listing is not { } listing)
            {
                if (page.Stop is not null)
                {
                    return (emails, requests, page.Stop);
                }

                logger.LogWarning("Preflight: listing {Kind}s failed at page {Page} ({Why}); carrying on with the {Count} found so far", kind.ToWord(), page.Number, page.Failure, emails.Count);
                return (emails, requests, null);
            }

            foreach (var email in listing.Emails)
            {
                emails.Add(EmailAddress.Normalize(email));
            }

            if (page.Number == 1 && progress.EstimatedPages(listing.Count, listing.TotalPages) is { } pages && pages > budget)
            {
                logger.LogInformation("Preflight: not listing all {Kind}s: {Pages} pages would cost more than the creates they can save; page 1 is used", kind.ToWord(), pages);
                return (emails, requests, null);
            }
        }

        if (progress.Shortfall is { } shortfall)
        {
            logger.LogWarning("Preflight: Tallyfy's {Kind} listing could not be shown complete: {Read} ({Why}); carrying on with those", kind.ToWord(), progress.Describe(kind.ToWord() + "s"), shortfall);
        }
        else if (progress.Pages >= budget && progress.Total is { } total && progress.Read < total)
        {
            logger.LogInformation("Preflight: {Kind}s listed within the budget of {Budget} pages: {Read}", kind.ToWord(), budget, progress.Describe(kind.ToWord() + "s"));
        }

        return (emails, requests, null);
    }

    /// <summary>
    /// The pages of a listing, at most <paramref name="maxPages"/>, until <paramref name="progress"/> calls it
    /// complete or incomplete. A page that could not be had or read ends it, with <see cref="Page.Failure"/> saying why.
    /// </summary>
    private async IAsyncEnumerable<Page> PagesAsync(PersonKind kind, ListingProgress progress, int maxPages, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var number = 1; number <= Math.Min(maxPages, ListingProgress.MaxPages); number++)
        {
            var attempts = new RowAttempts();
            var sent = await attemptLoop.RunAsync(RequestScope.Read, (client, ct) => client.ListAsync(kind, number, PageSize, ct), attempts, cancellationToken, cancellationToken);
            if (sent.Response is not { Status: >= 200 and < 300, Listing: { } listing } response)
            {
                var why = sent.End != DispatchEnd.Answered ? sent.Message ?? "the run stopped"
                    : sent.Response is { Status: >= 200 and < 300 } unreadable ? unreadable.Body
                    : sent.Verdict.Message;
                yield return new Page(number, null, why, attempts.Count, IsTransient(sent), RowSender.Ended(sent, attempts) is { StopsRun: true } stop ? stop : null);
                yield break;
            }

            var state = progress.Add(listing.Emails.Select(EmailAddress.Normalize), listing.Count, listing.Total);
            yield return new Page(number, listing, null, attempts.Count);
            if (state != ListingState.More)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Whether a listing that could not be had failed because of the moment, not the request: the API down
    /// (retries spent on 5xx/timeouts, or past <c>Delivery:GiveUpAfter</c>), its allowance far away, or the run stopping.
    /// </summary>
    internal static bool IsTransient(Dispatched sent) => sent.End != DispatchEnd.Answered || sent.Verdict.IsRetryable;

    /// <summary>One page of a listing, or why it could not be had (and, when that stops the run, the result to stop on); <see cref="Requests"/> counts its attempts.</summary>
    private readonly record struct Page(int Number, ListingPage? Listing, string? Failure, int Requests, bool Transient = false, DeliveryResult? Stop = null);
}
