using BulkOnboard.Configuration;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Watching;

/// <summary>
/// Tallyfy's task webhooks, as the watch service takes them (PRODUCT.md, "Approvals inside Tallyfy"): sent once, unsigned,
/// never retried, so one only prompts a read of the open approval tasks, and only when its <c>X-Tallyfy-orgID</c> is this
/// organization's; the decision is always read from the task. Without webhooks the poll (<c>Sync:Approval:PollEvery</c>) acts.
/// </summary>
internal sealed class ApprovalPrompts(IOptions<TallyfyOptions> tallyfy)
{
    private int _prompted;

    /// <summary>A webhook arrived: whether it is this organization's (then the next turn of the watch loop reads the tasks).</summary>
    public bool Prompt(string? organizationHeader)
    {
        if (string.IsNullOrWhiteSpace(organizationHeader) || !string.Equals(organizationHeader.Trim(), tallyfy.Value.OrganizationId?.Trim(), StringComparison.Ordinal))
        {
            return false;
        }

        Interlocked.Exchange(ref _prompted, 1);
        return true;
    }

    /// <summary>Whether a webhook prompted a read since the last call.</summary>
    public bool Take() => Interlocked.Exchange(ref _prompted, 0) == 1;
}
