using System.Globalization;
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

/// <summary>What one read of the open approval tasks came to: a line per task, the exit code (an apply's, when one ran), and how many could not be read.</summary>
internal sealed record ApprovalsOutcome(IReadOnlyList<string> Lines, int ExitCode, int Unread = 0);

/// <summary>
/// <c>bulkonboard approvals</c> (and the watch service's check): reads each open approval task (PRODUCT.md, "Approvals
/// inside Tallyfy"). The decision is always read from the task, never from a webhook. Approved by an approver who is not
/// BulkOnboard's own user, while the roster and Tallyfy still match the plan and the plan is younger than
/// <c>Sync:PlanMaxAge</c>: exactly the held items, minus the excluded emails, through the one exact-apply path, and a
/// comment with the results. Rejected: nothing, a comment. Stale: a comment, the task archived, a new one asked. Not
/// completed (or reopened): it waits. A completion by BulkOnboard's own token, for itself or for someone else, never counts.
/// </summary>
internal sealed class ApprovalRunner(SyncRunner sync, IOptions<SyncOptions> syncOptions, TimeProvider timeProvider, ILogger<ApprovalRunner> logger)
{
    public async Task<ApprovalsOutcome> RunAsync(JournalRequest journalRequest, RowSender sender, string reportFolder, CancellationToken cancellationToken)
    {
        var open = await WithJournalAsync(journalRequest, j => Task.FromResult(j.OpenApprovals()));
        var lines = new List<string>();
        var exit = ExitCodes.Success;
        var unread = new List<string>();
        if (open.Count == 0)
        {
            return new(["No approval task is open."], exit);
        }

        var me = await sender.Approvals.MeAsync(cancellationToken);
        var (members, _) = await sender.ListAllAsync(PersonKind.Member, cancellationToken);
        var approvers = (await Approvers.ReadAsync(syncOptions.Value.Approval.Approvers, members, sender, cancellationToken)).MemberIds;
        foreach (var approval in open)
        {
            if (!approval.IsOpen)
            {
                // Decided already: only its comment, which Tallyfy's cap held back, is still to go.
                if (approval.TaskId is { } decided && await sender.Approvals.CommentAsync(decided, approval.PendingComment!, cancellationToken))
                {
                    await WithJournalAsync(journalRequest, j => j.UpdateApprovalAsync(approval.Id, pendingComment: string.Empty));
                }

                continue;
            }

            if (approval.TaskId is not { } taskId)
            {
                lines.Add($"approval {approval.Id}: its task's create got no answer; check Tallyfy for it, then plan again");
                continue;
            }

            var (line, code) = await DecideAsync(approval, taskId, me, approvers, journalRequest, sender, reportFolder, unread, cancellationToken);
            lines.Add($"task {taskId}: {line}");
            exit = ExitCodes.MoreSevere(exit, code);
        }

        return new(lines, exit, unread.Count);
    }

    /// <param name="unread">Gets the task's id when it (or who BulkOnboard is) could not be read: the watch service backs off.</param>
    private async Task<(string Line, int ExitCode)> DecideAsync(ApprovalRecord approval, string taskId, string? me, HashSet<string> approvers, JournalRequest journalRequest,
        RowSender sender, string reportFolder, List<string> unread, CancellationToken cancellationToken)
    {
        if (approval.PendingComment is { } held && await sender.Approvals.CommentAsync(taskId, held, cancellationToken))
        {
            await WithJournalAsync(journalRequest, j => j.UpdateApprovalAsync(approval.Id, pendingComment: string.Empty));
        }

        var (task, gone, failure) = await sender.Approvals.ReadAsync(taskId, cancellationToken);
        if (task is null || task.IsArchived)
        {
            if (!gone && task is null)
            {
                unread.Add(taskId);
                return ($"could not be read ({failure}); read again next time", ExitCodes.Success);
            }

            await WithJournalAsync(journalRequest, j => j.UpdateApprovalAsync(approval.Id, state: "rejected", note: "archived or deleted in Tallyfy"));
            return ("archived or deleted in Tallyfy: nothing applied", ExitCodes.Success);
        }

        if (!task.IsCompleted)
        {
            return ("waiting for an approver", ExitCodes.Success);
        }

        // Without knowing BulkOnboard's own user, no completion can be told from its own: it waits for the next read.
        if (me is null)
        {
            unread.Add(taskId);
            return ("completed, but BulkOnboard's own user (GET /me) could not be read: read again next time", ExitCodes.Success);
        }

        // A completion BulkOnboard's own token made (for itself, or recorded for someone else) is no approver's decision.
        if (task.CompleterId == me || task.ActedBy == me)
        {
            return (await SayOnceAsync(approval, taskId, "own", "This task was completed by BulkOnboard's own user, which never counts: an approver must reopen it and decide.",
                journalRequest, sender, cancellationToken) + "completed by BulkOnboard's own user: does not count, waiting", ExitCodes.Success);
        }

        if (task.CompleterId is null || !approvers.Contains(task.CompleterId))
        {
            return (await SayOnceAsync(approval, taskId, $"not-approver:{task.CompleterId}", "This task was completed by someone who is not one of Sync:Approval:Approvers: it does not count. An approver must reopen it and decide.",
                journalRequest, sender, cancellationToken) + $"completed by {task.CompleterId ?? "nobody known"}, not an approver: does not count, waiting", ExitCodes.Success);
        }

        if (task.IsApproved != true)
        {
            await CommentOrKeepAsync(approval, taskId, "Rejected: nothing was applied.", journalRequest, sender, cancellationToken);
            await WithJournalAsync(journalRequest, j => j.UpdateApprovalAsync(approval.Id, state: "rejected", note: $"rejected by {task.CompleterId}"));
            return ($"rejected by {task.CompleterId}: nothing applied", ExitCodes.Success);
        }

        return await ApplyAsync(approval, taskId, task, journalRequest, sender, reportFolder, cancellationToken);
    }

    /// <summary>Exactly the approved held items, minus the exclusions, through the exact-apply path; stale when the roster, Tallyfy or the plan's age says so.</summary>
    private async Task<(string Line, int ExitCode)> ApplyAsync(ApprovalRecord approval, string taskId, ApprovalTask task, JournalRequest journalRequest, RowSender sender, string reportFolder,
        CancellationToken cancellationToken)
    {
        PlanFile? plan;
        try
        {
            plan = File.Exists(approval.PlanPath) && PlanFile.Sha256Of(approval.PlanPath) == approval.PlanSha256 ? PlanFile.Read(approval.PlanPath) : null;
        }
        catch (Exception ex) when (ex is InputException or IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            plan = null;
        }

        if (plan is null)
        {
            return await StaleAsync(approval, taskId, $"the plan {approval.PlanPath} is gone or changed since it was asked", journalRequest, sender, reportFolder, cancellationToken);
        }

        // The roster where HR keeps it, when it is still there, must be the one planned (the copy beside the plan is what is applied).
        if (File.Exists(plan.RosterFile) && PlanFile.Sha256Of(plan.RosterFile) != approval.RosterSha256)
        {
            return await StaleAsync(approval, taskId, $"the roster {plan.RosterFile} changed since the plan was made (its SHA-256 differs)", journalRequest, sender, reportFolder, cancellationToken,
                plan.RosterFile);
        }

        // The exclusions must each name a held change: one that names none (a typo, a name) applies nothing until it is put right.
        var held = ApprovalRequest.Held(plan.ToChanges());
        var entries = ApprovalRequest.Entries(task.FormValues.GetValueOrDefault(ApprovalRequest.ExcludeField));
        var heldEmails = held.Select(c => EmailAddress.Normalize(c.Email)).ToHashSet(StringComparer.Ordinal);
        var unknown = entries.FirstOrDefault(e => !EmailAddress.IsValid(e) || !heldEmails.Contains(EmailAddress.Normalize(e)));
        if (!task.ShowsForm || unknown is not null)
        {
            var why = task.ShowsForm ? $"'{unknown}' in \"{ApprovalRequest.ExcludeField}\" is not the email of a held change" : "Tallyfy's answer did not show the task's form, so its exclusions are unknown";
            return (await SayOnceAsync(approval, taskId, $"exclusions:{unknown}", $"Not applied: {why}. Reopen the task, correct it, and approve again.", journalRequest, sender, cancellationToken)
                + $"approved, but {why}: nothing applied, waiting", ExitCodes.Success);
        }

        var excluded = ApprovalRequest.Exclusions(string.Join("\n", entries));
        var approved = ApprovalRequest.Approved(held, excluded);
        if (!await WithJournalAsync(journalRequest, j => j.ClaimApprovalAsync(approval.Id)))
        {
            return ("being applied by another run", ExitCodes.Success);
        }

        SyncOutcome applied;
        try
        {
            applied = await sync.RunAsync(SyncMode.Apply, approval.RosterPath, approval.PlanPath, journalRequest, sender, reportFolder, cancellationToken, approvedHolds: approved);
        }
        catch (StalePlanException ex)
        {
            // The roster changed, Tallyfy changed, or the plan is older than Sync:PlanMaxAge: this approval no longer says what to do.
            return await StaleAsync(approval, taskId, ex.Message, journalRequest, sender, reportFolder, cancellationToken, plan.RosterFile);
        }
        catch (Exception ex) when (ex is InputException or JournalLockedException or JournalUnavailableException)
        {
            // A failure that may pass (an outage while listing, a busy journal): the decision stands, read again next time.
            await WithJournalAsync(journalRequest, j => j.UpdateApprovalAsync(approval.Id, state: RunJournal.ApprovalOpen));
            return ($"approved, but it could not be applied now ({ex.Message}): read again next time", ExitCodes.Success);
        }

        var summary = applied.Summary;
        if (summary.StoppedBecause is { } stopped)
        {
            // Stopped midway (an outage, a shutdown): the rest of what was approved goes at the next read, exactly as approved.
            await WithJournalAsync(journalRequest, j => j.UpdateApprovalAsync(approval.Id, state: RunJournal.ApprovalOpen, note: $"partly applied by run {summary.RunId}"));
            return ($"approved; the apply stopped ({stopped}): the rest goes at the next read", summary.ExitCode);
        }

        await WithJournalAsync(journalRequest, j => j.UpdateApprovalAsync(approval.Id, state: "applied", note: $"applied by run {summary.RunId}"));
        var what = $"Applied by BulkOnboard (run {summary.RunId}): {summary.Deactivated ?? 0} deactivated, {summary.Removed ?? 0} removed, {summary.Updated} updated, "
            + $"{summary.Held ?? 0} still held, {summary.Failed} failed{(excluded.Count > 0 ? $"; kept held as excluded: {string.Join(", ", excluded.Order(StringComparer.Ordinal))}" : string.Empty)}. "
            + $"Report: {summary.Reports?.Results}";
        await CommentOrKeepAsync(approval, taskId, what, journalRequest, sender, cancellationToken);
        logger.LogInformation("Approval task {Task}: approved by {Approver}; {What}", taskId, task.CompleterId, what);
        return ($"approved by {task.CompleterId}: {what}", summary.ExitCode);
    }

    /// <summary>A comment, the task archived, the approval stale, and a new plan asked for the same roster (when it is still there).</summary>
    private async Task<(string Line, int ExitCode)> StaleAsync(ApprovalRecord approval, string taskId, string why, JournalRequest journalRequest, RowSender sender, string reportFolder,
        CancellationToken cancellationToken, string? rosterNow = null)
    {
        // Asked again for the roster as HR has it now (its own place, when it is still there), else the copy planned.
        var roster = rosterNow is not null && File.Exists(rosterNow) ? rosterNow : approval.RosterPath;
        await CommentOrKeepAsync(approval, taskId, $"Not applied: {why}. This task is archived; a new one is asked for the roster as it is now.", journalRequest, sender, cancellationToken);
        await sender.Approvals.ArchiveAsync(taskId, cancellationToken);
        await WithJournalAsync(journalRequest, j => j.UpdateApprovalAsync(approval.Id, state: "stale", note: why));
        logger.LogWarning("Approval task {Task} is stale ({Why}): archived; asking again", taskId, why);
        if (!File.Exists(roster))
        {
            return ($"stale ({why}); the roster {roster} is gone: plan it again to ask", ExitCodes.Success);
        }

        var again = await sync.RunAsync(SyncMode.Plan, roster, null, journalRequest, sender, reportFolder, cancellationToken, ask: true);
        return ($"stale ({why}): archived; {(again.Summary.ApprovalTask is { } next ? $"asked again as task {next}" : "nothing held any more: no new task")}", ExitCodes.Success);
    }

    /// <summary>A comment said once per kind of event (the note remembers it), so a task read every minute is not commented every minute.</summary>
    private async Task<string> SayOnceAsync(ApprovalRecord approval, string taskId, string note, string comment, JournalRequest journalRequest, RowSender sender, CancellationToken cancellationToken)
    {
        if (approval.Note != note)
        {
            await CommentOrKeepAsync(approval, taskId, comment, journalRequest, sender, cancellationToken);
            await WithJournalAsync(journalRequest, j => j.UpdateApprovalAsync(approval.Id, note: note));
        }

        return string.Empty;
    }

    /// <summary>Comments now, or keeps the comment for the next read when Tallyfy's comment cap (or no answer) holds it: the decision's work never waits for it.</summary>
    private async Task CommentOrKeepAsync(ApprovalRecord approval, string taskId, string comment, JournalRequest journalRequest, RowSender sender, CancellationToken cancellationToken)
    {
        if (!await sender.Approvals.CommentAsync(taskId, comment, cancellationToken))
        {
            logger.LogInformation("Approval task {Task}: the comment could not go now (Tallyfy's comment cap?); it is sent at the next read", taskId);
            await WithJournalAsync(journalRequest, j => j.UpdateApprovalAsync(approval.Id, pendingComment: comment));
        }
    }

    /// <summary>The journal, opened for a moment (no run of its own): the apply between opens its own.</summary>
    private async Task<T> WithJournalAsync<T>(JournalRequest request, Func<RunJournal, Task<T>> use)
    {
        await using var journal = RunJournal.Open(request.Path, request.Target, "approvals", "approvals", forced: false, timeProvider, logger, command: "approvals", request.BusyTimeout,
            request.ShareWithinProcess, deferRun: true);
        return await use(journal);
    }

    private Task WithJournalAsync(JournalRequest request, Func<RunJournal, Task> use) => WithJournalAsync(request, async j =>
    {
        await use(j);
        return 0;
    });
}
