using BulkOnboard.Delivery;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>
/// The preflight listing of one run (<c>Import:Preflight</c>): <c>true</c> lists everyone, <c>false</c>
/// nobody, unset (the default) lists a kind only when it is cheaper than the creates it can save
/// (<see cref="ListingBudget.WorthIt"/>). Decided once the first rows are validated, before any is sent.
/// Usually the run's first requests: what no later request escapes (a wrong target, a refused token) stops
/// the run here, through <see cref="RunControl.StopIfTold"/>, before a row is sent.
/// </summary>
internal sealed class Preflight(bool? setting, RowSender sender, RunControl control, ILogger logger)
{
    /// <summary>Who the listing found; <c>null</c> when nothing was listed.</summary>
    public ExistingPeople? Found { get; private set; }

    /// <param name="guestRows">Guest rows of the first batch that would be sent.</param>
    /// <param name="memberRows">Member rows of the first batch that would be sent.</param>
    public async Task RunAsync(int guestRows, int memberRows, CancellationToken cancellationToken)
    {
        sender.AnnounceEstimate(guestRows, memberRows, logger);
        if (setting == false || guestRows + memberRows == 0)
        {
            return;
        }

        var budget = setting == true ? ListingBudget.Everything : ListingBudget.WorthIt(guestRows, memberRows);
        if (budget.IsEmpty)
        {
            logger.LogInformation(
                "Preflight: not listing Tallyfy's people for {Rows} rows to send (a listing pays off from {Min} rows of a kind; --preflight lists anyway)",
                guestRows + memberRows, ListingBudget.RowsPerPage);
            return;
        }

        Found = await sender.ListExistingAsync(budget, cancellationToken);
        if (Found.Stop is { } stop)
        {
            control.StopIfTold(stop);
        }
    }
}
