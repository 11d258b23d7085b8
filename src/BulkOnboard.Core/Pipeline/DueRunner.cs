using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Pipeline;

/// <summary>
/// Carries out the dated actions that have come due (PRODUCT.md, "Dates"): a hire's invite or create,
/// with the payload the journal kept; a leaver's deactivation or removal, within the guards (only
/// BulkOnboard's people unless <c>Sync:ManageExisting</c>, never the default administrator, admins only when
/// allowed, never a protected email, at most <c>Sync:MaxLeavers</c> at once). Never before its time.
/// Used by every import and sync at their end, by <c>bulkonboard due</c>, and by the watch service's clock.
/// </summary>
/// <param name="importOptions">A hire's create follows <c>--on-existing</c> as the run that carries it out says (<see cref="ImportOptions.UpdatesExisting"/>).</param>
internal sealed class DueRunner(IOptions<SyncOptions> syncOptions, IOptions<DeliveryOptions> deliveryOptions, TimeProvider timeProvider, ILogger<DueRunner> logger,
    IOptions<ImportOptions>? importOptions = null)
{
    // One carrying-out at a time in a process: two (a file's end and the watch clock) would read the same
    // pending actions and send them twice.
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary><c>bulkonboard due</c> (and the watch service's check): opens the journal, carries out what is due, writes the reports.</summary>
    public async Task<RunSummary> RunAsync(JournalRequest journalRequest, RowSender sender, string reportFolder, CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetLocalNow();
        var startTimestamp = timeProvider.GetTimestamp();
        await using var journal = RunJournal.Open(journalRequest.Path, journalRequest.Target, "due", "due", forced: false, timeProvider, logger, command: "due",
            journalRequest.BusyTimeout, journalRequest.ShareWithinProcess);
        sender.RememberCaps(journal.RememberedCaps(), journal.RememberedPace());
        using var control = new RunControl(cancellationToken, deliveryOptions.Value.HardStopGrace, timeProvider);
        var results = await CarryOutAsync(journal, sender, control);
        await ImportRunner.RememberCapsAsync(journal, sender, logger);
        var counts = new OutcomeCounts();
        var paths = ReportPaths.Create(reportFolder, "due.csv", startedAt);
        ResultsReport.WriteAll(paths, results, counts);

        var summary = SyncRunner.Summarize("due", "dated actions due", "due", startedAt, timeProvider.GetElapsedTime(startTimestamp), counts, sender, journal.RunId, control.Reason, paths)
            with { DueCarriedOut = results.Count, NextDue = journal.PendingDue().FirstOrDefault()?.DueLocal };
        summary.WriteTo(paths.Summary);
        await journal.FinishAsync(summary.Totals);
        return summary;
    }

    /// <summary>Carries out every pending action due by now, soonest first; one result per action tried.</summary>
    public async Task<List<RowResult>> CarryOutAsync(RunJournal journal, RowSender sender, RunControl control)
    {
        if (!await _one.WaitAsync(0))
        {
            logger.LogDebug("Dated actions are being carried out by another run of this process; this one leaves them to it");
            return [];
        }

        try
        {
            return await CarryOutAloneAsync(journal, sender, control);
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<List<RowResult>> CarryOutAloneAsync(RunJournal journal, RowSender sender, RunControl control)
    {
        var now = timeProvider.GetUtcNow();
        var due = journal.PendingDue(now);
        var results = new List<RowResult>();
        if (due.Count == 0)
        {
            return results;
        }

        logger.LogInformation("{Count} dated actions have come due: {First}", due.Count, string.Join("; ", due.Take(5)));
        var protocol = new JournalProtocol(journal, control, logger);
        var onboarded = journal.Onboarded();
        var protectedEmails = syncOptions.Value.Protected.Select(EmailAddress.Normalize).ToHashSet(StringComparer.Ordinal);
        var leavers = 0;
        var groups = due.Any(a => !a.IsJoiner) ? await GroupsForSnapshotsAsync(sender, control) : [];
        foreach (var action in due)
        {
            if (control.IsStopping)
            {
                break;
            }

            var result = action.IsJoiner
                ? await JoinAsync(action, journal, sender, protocol, control)
                : await LeaveAsync(action with { TallyfyId = action.TallyfyId ?? journal.Find(action.Kind, action.Email)?.TallyfyId }, onboarded, protectedEmails, ++leavers, groups,
                    sender, protocol, control);
            var state = result.Outcome switch
            {
                // A failure Tallyfy did not answer for good (an outage, no answer) is tried again at the next check.
                Outcome.NotAttempted or Outcome.Held => RunJournal.DuePending,
                Outcome.Failed when result.HttpStatus is null or >= 500 or 408 or 429 => RunJournal.DuePending,
                Outcome.Failed => "failed",
                _ => RunJournal.DueDone,
            };
            if (state != RunJournal.DuePending && !await protocol.RecordAsync(j => j.SettleDueAsync(action.Id, state, result.Outcome.ToReportWord())))
            {
                results.Add(result);
                break;
            }

            logger.LogInformation("Due {Action}: {Outcome}{Message}", action, result.Outcome.ToReportWord(), result.Message is null ? string.Empty : $" ({result.Message})");
            results.Add(result);
        }

        return results;
    }

    private async Task<RowResult> JoinAsync(DueAction action, RunJournal journal, RowSender sender, JournalProtocol protocol, RunControl control)
    {
        var none = new RawRecord(0, []);
        if (journal.Find(action.Kind, action.Email) is { IsDone: true } done)
        {
            return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.AlreadyDone, TallyfyId: done.TallyfyId, Message: $"done by run {done.RunId} before it came due");
        }

        PersonPayload? payload = action.Payload is null ? null
            : action.Kind == PersonKind.Guest ? JsonSerializer.Deserialize<GuestPayload>(action.Payload, TallyfyClient.Json)
            : JsonSerializer.Deserialize<MemberPayload>(action.Payload, TallyfyClient.Json);
        if (payload is null)
        {
            return new RowResult(none, action.Kind, action.Email, Outcome.Failed, Message: "the journal kept no payload for this joiner: run the import again");
        }

        var result = await protocol.SendAsync(action.Kind, action.Email, 0, none, () => sender.SendAsync(payload, control.StopSending, control.HardStop, updateIfExists: importOptions?.Value.UpdatesExisting(action.Kind) == true),
            d => RowResult.Of(none, action.Kind, action.Email, d));
        return result with { Message = SyncRunner.Join($"due {action.DueLocal}", result.Message ?? string.Empty).TrimEnd(' ', ';') };
    }

    /// <summary>The groups with their lists, so that a leaver's snapshot says which held them (Tallyfy's deactivation empties them all; undo puts them back).</summary>
    private async Task<List<ListedGroup>> GroupsForSnapshotsAsync(RowSender sender, RunControl control)
    {
        try
        {
            return await sender.ListGroupsAsync(control.StopSending);
        }
        catch (Exception ex) when (ex is InputException or OperationCanceledException)
        {
            logger.LogWarning("Groups could not be listed ({Message}): undo of these leaver actions cannot put people back in their groups", ex.Message);
            return [];
        }
    }

    private async Task<RowResult> LeaveAsync(DueAction action, IReadOnlySet<(PersonKind, string)> onboarded, HashSet<string> protectedEmails, int number, List<ListedGroup> groups,
        RowSender sender, JournalProtocol protocol, RunControl control)
    {
        var none = new RawRecord(0, []);
        var email = EmailAddress.Normalize(action.Email);
        RowResult Held(string why) => new(none, action.Kind, action.Email, Outcome.Held, TallyfyId: action.TallyfyId, Message: $"held: {why} (due {action.DueLocal})");
        if (!syncOptions.Value.ManageExisting && !onboarded.Contains((action.Kind, email)))
        {
            return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.Unchanged, Message: "not onboarded by BulkOnboard: left alone (Sync:ManageExisting)");
        }

        if (protectedEmails.Contains(email))
        {
            return Held("a protected email (Sync:Protected)");
        }

        if (number > syncOptions.Value.MaxLeavers)
        {
            return Held($"more leavers came due than Sync:MaxLeavers ({syncOptions.Value.MaxLeavers}) allows at once; the next check carries on");
        }

        ListedPerson? before = null;
        if (action.Kind == PersonKind.Member)
        {
            if (action.TallyfyId is null)
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.Failed, Message: "the journal kept no Tallyfy id for this member");
            }

            var (member, gone, failure) = await sender.ReadMemberAsync(action.TallyfyId, control.StopSending, control.HardStop);
            if (gone || string.Equals(member?.Status, "disabled", StringComparison.OrdinalIgnoreCase))
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.Unchanged, TallyfyId: action.TallyfyId, Message: "already deactivated in Tallyfy");
            }

            if (member is null)
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.NotAttempted, Message: $"the member could not be read ({failure}); the next check tries again");
            }

            if (member.IsDefaultAdmin)
            {
                return Held("the default administrator is never deactivated");
            }

            if (string.Equals(member.Role, "admin", StringComparison.OrdinalIgnoreCase) && !syncOptions.Value.AllowAdminLeavers)
            {
                return Held("an admin: admins are not deactivated unless Sync:AllowAdminLeavers is true");
            }

            before = member;
        }
        else
        {
            var (present, guest, failure) = await sender.ReadGuestAsync(action.Email, control.StopSending, control.HardStop);
            if (present == false)
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.Unchanged, Message: "already gone from the organization");
            }

            if (guest is null)
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.NotAttempted, Message: $"the guest could not be read ({failure}); the next check tries again");
            }

            before = guest;
        }

        var byEmail = new Dictionary<(PersonKind, string), ListedPerson> { [(action.Kind, email)] = before };
        var memberIds = action.TallyfyId is null ? [] : new Dictionary<string, string> { [email] = action.TallyfyId };
        var snapshot = new LeaverSnapshots(byEmail, groups, memberIds).Of(action.Kind, action.Email);
        var intent = new SyncActionRecord(action.Kind, action.Email, action.Action, RunJournal.ActionInFlight, action.TallyfyId, $"due {action.DueLocal}", snapshot, action.Source);
        return await protocol.ActOnLeaverAsync(intent, none, async () =>
        {
            var delivery = action.Kind == PersonKind.Member
                ? await sender.DeactivateAsync(action.TallyfyId!, ReassignTo(), control.StopSending, control.HardStop)
                : await sender.RemoveGuestAsync(action.Email, control.StopSending, control.HardStop);
            return await LeaverSettlement.SettleAsync(sender, action.Kind, action.Email, action.TallyfyId, delivery, control.StopSending, control.HardStop);
        }, d => RowResult.Of(none, action.Kind, action.Email, d, action.TallyfyId, SyncRunner.Join($"ended; due {action.DueLocal}", d.Message ?? string.Empty).TrimEnd(' ', ';')));
    }

    /// <summary>Only a member id: an email needs the members listing, which the due run does not read (the log says so).</summary>
    private string? ReassignTo()
    {
        var to = syncOptions.Value.ReassignTo?.Trim();
        if (to is { Length: > 0 } && to.Contains('@', StringComparison.Ordinal))
        {
            logger.LogWarning("Sync:ReassignTo is an email ({To}); a due deactivation takes a member id only: the leaver's tasks stay assigned to them. Set Sync:ReassignTo to the member's id", to);
            return null;
        }

        return string.IsNullOrEmpty(to) ? null : to;
    }
}
