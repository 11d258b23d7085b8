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
internal sealed class DueRunner(IOptions<SyncOptions> syncOptions, IOptions<DeliveryOptions> deliveryOptions, TimeProvider timeProvider, ILogger<DueRunner> logger)
{
    /// <summary><c>bulkonboard due</c> (and the watch service's check): opens the journal, carries out what is due, writes the reports.</summary>
    public async Task<RunSummary> RunAsync(JournalRequest journalRequest, RowSender sender, string reportFolder, CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetLocalNow();
        var startTimestamp = timeProvider.GetTimestamp();
        await using var journal = RunJournal.Open(journalRequest.Path, journalRequest.Target, "due", "due", forced: false, timeProvider, logger, command: "due",
            journalRequest.BusyTimeout, journalRequest.ShareWithinProcess);
        sender.RememberCaps(journal.RememberedCaps());
        using var control = new RunControl(cancellationToken, deliveryOptions.Value.Timeout + TimeSpan.FromSeconds(5));
        var results = await CarryOutAsync(journal, sender, control);
        await ImportRunner.RememberCapsAsync(journal, sender, logger);
        var counts = new OutcomeCounts();
        var paths = ReportPaths.Create(reportFolder, "due.csv", startedAt);
        using (var report = new ResultsReport(paths, []))
        {
            foreach (var result in results)
            {
                report.Write(result);
                counts.Add(result);
            }
        }

        var summary = SyncRunner.Summarize("due", "dated actions due", "due", startedAt, timeProvider.GetElapsedTime(startTimestamp), counts, sender, journal.RunId, control.Reason, paths)
            with { DueCarriedOut = results.Count, NextDue = journal.PendingDue().FirstOrDefault()?.DueLocal };
        summary.WriteTo(paths.Summary);
        await journal.FinishAsync(summary.Totals);
        return summary;
    }

    /// <summary>Carries out every pending action due by now, soonest first; one result per action tried.</summary>
    public async Task<List<RowResult>> CarryOutAsync(RunJournal journal, RowSender sender, RunControl control)
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
        foreach (var action in due)
        {
            if (control.IsStopping)
            {
                break;
            }

            var result = action.IsJoiner
                ? await JoinAsync(action, journal, sender, protocol, control)
                : await LeaveAsync(action, onboarded, protectedEmails, ++leavers, sender, protocol, control);
            var state = result.Outcome switch
            {
                Outcome.NotAttempted or Outcome.Held => RunJournal.DuePending,
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

    private static async Task<RowResult> JoinAsync(DueAction action, RunJournal journal, RowSender sender, JournalProtocol protocol, RunControl control)
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

        var result = await protocol.SendAsync(action.Kind, action.Email, 0, none, () => sender.SendAsync(payload, control.StopSending, control.HardStop),
            d => new RowResult(none, action.Kind, action.Email, d.Outcome, d.Reason, d.HttpStatus, d.Attempts, d.TallyfyId, d.Message) { RequestId = d.RequestId });
        return result with { Message = SyncRunner.Join($"due {action.DueLocal}", result.Message ?? string.Empty).TrimEnd(' ', ';') };
    }

    private async Task<RowResult> LeaveAsync(DueAction action, IReadOnlySet<(PersonKind, string)> onboarded, HashSet<string> protectedEmails, int number, RowSender sender,
        JournalProtocol protocol, RunControl control)
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

        var snapshot = before is null ? null : JsonSerializer.Serialize(before, LeaverSnapshots.Json);
        var intent = new SyncActionRecord(action.Kind, action.Email, action.Action, RunJournal.ActionInFlight, action.TallyfyId, $"due {action.DueLocal}", snapshot, action.Source);
        return await protocol.ActOnLeaverAsync(intent, none, async () =>
        {
            var delivery = action.Kind == PersonKind.Member
                ? await sender.DeactivateAsync(action.TallyfyId!, ReassignTo(), control.StopSending, control.HardStop)
                : await sender.RemoveGuestAsync(action.Email, control.StopSending, control.HardStop);
            return await LeaverSettlement.SettleAsync(sender, action.Kind, action.Email, action.TallyfyId, delivery, control.StopSending, control.HardStop);
        }, d => new RowResult(none, action.Kind, action.Email, d.Outcome, d.Reason, d.HttpStatus, d.Attempts, d.TallyfyId ?? action.TallyfyId,
            SyncRunner.Join($"ended; due {action.DueLocal}", d.Message ?? string.Empty).TrimEnd(' ', ';')) { RequestId = d.RequestId });
    }

    /// <summary>Only a member id: an email needs the members listing, which the due run does not read.</summary>
    private string? ReassignTo() => syncOptions.Value.ReassignTo is { } to && !to.Contains('@', StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(to) ? to.Trim() : null;
}
