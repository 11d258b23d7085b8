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

/// <summary>What <c>bulkonboard sync</c> was asked to do.</summary>
internal enum SyncMode
{
    /// <summary><c>sync FILE</c> / <c>--plan</c>: write the plan, send nothing.</summary>
    Plan,

    /// <summary><c>sync FILE --yes</c>: plan and apply within the guards.</summary>
    PlanAndApply,

    /// <summary><c>sync --apply PLAN.json</c>: apply an approved plan, if it still holds.</summary>
    Apply,
}

/// <summary>The files and totals of a sync run.</summary>
internal sealed record SyncOutcome(RunSummary Summary, string PlanCsv, string PlanJson);

/// <summary>
/// A sync run: read and validate the whole roster, list Tallyfy, plan (<see cref="RosterPlanner"/>),
/// write the plan; then, when asked, apply it through the delivery core and report every roster row
/// once and every leaver once. <c>--undo</c> re-enables and re-creates what a run took away.
/// </summary>
internal sealed class SyncRunner(
    IOptions<ImportOptions> importOptions,
    IOptions<SyncOptions> syncOptions,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider timeProvider,
    ILogger<SyncRunner> logger)
{
    private static readonly JsonSerializerOptions SnapshotJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Plans, and applies when <paramref name="mode"/> says so. Throws <see cref="InputException"/> (one
    /// line, nothing sent) for an unusable roster or plan, a stale plan, or a Tallyfy that cannot be listed.
    /// </summary>
    public async Task<SyncOutcome> RunAsync(SyncMode mode, string? rosterPath, string? planPath, JournalRequest journalRequest, RowSender sender, string reportFolder, CancellationToken cancellationToken)
    {
        PlanFile? approved = null;
        if (mode == SyncMode.Apply)
        {
            approved = PlanFile.Read(planPath!);
            if (timeProvider.GetUtcNow() - approved.PlannedAt > syncOptions.Value.PlanMaxAge)
            {
                throw new InputException($"the plan {planPath} was made {approved.PlannedAt:u}, longer ago than Sync:PlanMaxAge ({syncOptions.Value.PlanMaxAge}); plan again");
            }

            rosterPath = approved.RosterFile;
        }

        var startedAt = timeProvider.GetLocalNow();
        var startTimestamp = timeProvider.GetTimestamp();
        var options = importOptions.Value;
        using var table = options.OpenInput(rosterPath!);
        if (RowValidator.CheckKindSource(table.Columns, options.ToDefaults()) is { } kindProblem)
        {
            throw new InputException(kindProblem);
        }

        if (approved is not null && approved.RosterSha256 != table.Fingerprint.Sha256)
        {
            throw new InputException($"the roster {rosterPath} changed since the plan {planPath} was made (its SHA-256 differs); plan again");
        }

        var validator = new RowValidator(table.Columns, options.ToDefaults());
        var roster = table.DataRows().Select(validator.Validate).ToList();
        await using var journal = RunJournal.Open(journalRequest.Path, journalRequest.Target, rosterPath!, table.Fingerprint.Sha256, forced: false, timeProvider, logger, command: "sync");
        var (members, memberPages) = await sender.ListAllAsync(PersonKind.Member, cancellationToken);
        var (guests, guestPages) = await sender.ListAllAsync(PersonKind.Guest, cancellationToken);
        logger.LogInformation("Sync: the roster has {Rows} rows; Tallyfy lists {Members} members and {Guests} guests ({Requests} listing requests)",
            roster.Count, members.Count, guests.Count, memberPages + guestPages);
        var memberships = journal.ManagedMemberships();
        var groups = table.Columns.Has(Field.Groups) || memberships.Count > 0 ? await sender.ListGroupsAsync(cancellationToken) : [];
        var history = new SyncHistory(journal.Onboarded(), journal.PreviousRosterSize(), journal.Absences()) { Memberships = memberships };
        var plan = RosterPlanner.Plan(roster, new TallyfyPeople(members, guests) { Groups = groups }, history, syncOptions.Value);
        if (approved is not null)
        {
            EnsureWithin(plan, approved, planPath!);
        }

        var paths = ReportPaths.Create(reportFolder, rosterPath!, startedAt);
        var (planCsv, planJson) = PlanFile.From(plan, rosterPath!, table.Fingerprint.Sha256, timeProvider.GetUtcNow(), journal.RunId).Write(paths);
        LogPlan(plan, planCsv);

        var counts = new OutcomeCounts();
        string? stopReason = null;
        if (mode == SyncMode.Plan)
        {
            // A plan sends nothing and has no results: plan.csv says what would happen to each person.
            foreach (var (change, i) in plan.Changes.Select((c, i) => (c, i)))
            {
                counts.Add(Planned(change, i < roster.Count ? roster[i] : null));
            }
        }
        else
        {
            using var report = new ResultsReport(paths, table.Columns.HeaderCells);
            using var control = new RunControl(cancellationToken, deliveryOptions.Value.Timeout + TimeSpan.FromSeconds(5));
            var reassignTo = ResolveReassignTo(members);
            var results = await ApplyAsync(plan, roster, members, guests, sender, journal, control, reassignTo, Path.GetFullPath(rosterPath!));
            await ApplyGroupsAsync(plan, results, roster, members, groups, sender, journal, control, Path.GetFullPath(rosterPath!));
            foreach (var result in results)
            {
                report.Write(result);
                counts.Add(result);
            }

            stopReason = control.Reason;
            if (stopReason is null)
            {
                // Only a roster applied to the end counts for the grace period and the next roster's size check.
                journal.RecordRoster(plan.RosterPeople, table.Fingerprint.Sha256, plan.Missing);
            }
        }

        var summary = Summarize(mode, rosterPath!, table.Fingerprint.Sha256, startedAt, startTimestamp, counts, sender, journal.RunId, stopReason,
            mode == SyncMode.Plan ? paths with { Results = planCsv, Failed = planCsv } : paths);
        summary.WriteTo(paths.Summary);
        journal.Finish(summary.Totals);
        if (mode != SyncMode.Plan)
        {
            LogApplied(rosterPath!, summary);
        }

        return new SyncOutcome(summary, planCsv, planJson);
    }

    private void LogApplied(string rosterPath, RunSummary summary) =>
        logger.LogInformation("Sync of {File}: {Created} created, {Invited} invited, {Updated} updated, {Deactivated} deactivated, {Removed} removed, {Held} held, {Failed} failed; exit code {Exit}",
            Path.GetFileName(rosterPath), summary.Created, summary.Invited, summary.Updated, summary.Deactivated, summary.Removed, summary.Held, summary.Failed, summary.ExitCode);

    /// <summary><c>sync --undo RUN</c>: re-enables the members run <paramref name="runId"/> deactivated and re-creates the guests it removed.</summary>
    public async Task<SyncOutcome> UndoAsync(long runId, JournalRequest journalRequest, RowSender sender, string reportFolder, CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetLocalNow();
        var startTimestamp = timeProvider.GetTimestamp();

        // Checked before a run is opened: a wrong number leaves no trace in the journal.
        if (!JournalHistory.IsSyncRun(journalRequest.Path, journalRequest.Target, runId))
        {
            throw new InputException($"run {runId} is not a sync of this organization in the journal {journalRequest.Path}; bulkonboard history lists the runs");
        }

        await using var journal = RunJournal.Open(journalRequest.Path, journalRequest.Target, $"undo-run-{runId}", $"undo:{runId}", forced: false, timeProvider, logger, command: "sync-undo");

        var actions = journal.SyncActionsOf(runId).Where(a => a.Outcome is "deactivated" or "removed").ToList();
        var (members, _) = await sender.ListAllAsync(PersonKind.Member, cancellationToken);
        var (guests, _) = await sender.ListAllAsync(PersonKind.Guest, cancellationToken);
        var paths = ReportPaths.Create(reportFolder, $"undo-run-{runId}.csv", startedAt);
        var counts = new OutcomeCounts();
        using var control = new RunControl(cancellationToken, deliveryOptions.Value.Timeout + TimeSpan.FromSeconds(5));
        var results = new List<RowResult>();
        foreach (var action in actions)
        {
            results.Add(await UndoOneAsync(action, members, guests, sender, journal, control));
        }

        var memberships = journal.SyncActionsOf(runId).Where(a => a.Action == "remove_from_group" && a.Outcome == "removed").ToList();
        if (memberships.Count > 0)
        {
            await RestoreGroupsAsync(memberships, results, members, sender, journal, control, cancellationToken);
        }

        using (var report = new ResultsReport(paths, []))
        {
            foreach (var result in results)
            {
                report.Write(result);
                counts.Add(result);
            }
        }

        var summary = Summarize(SyncMode.Apply, $"undo of run {runId}", $"undo:{runId}", startedAt, startTimestamp, counts, sender, journal.RunId, control.Reason, paths) with { Command = "sync --undo" };
        summary.WriteTo(paths.Summary);
        journal.Finish(summary.Totals);
        logger.LogInformation("Undo of run {Run}: {Count} people restored, {Failed} failed", runId, summary.Updated + summary.Created, summary.Failed);
        return new SyncOutcome(summary, string.Empty, string.Empty);
    }

    /// <summary>Puts the undone run's leavers back in the groups it took them out of: one write per group.</summary>
    private async Task RestoreGroupsAsync(List<SyncActionRecord> memberships, List<RowResult> results, List<ListedPerson> members, RowSender sender, RunJournal journal,
        RunControl control, CancellationToken cancellationToken)
    {
        var groups = await sender.ListGroupsAsync(cancellationToken);
        foreach (var byGroup in memberships.GroupBy(m => m.Detail!.Trim().ToLowerInvariant()))
        {
            var group = groups.FirstOrDefault(g => g.Name.Trim().ToLowerInvariant() == byGroup.Key);
            string outcome;
            if (group is null)
            {
                outcome = $"group {byGroup.First().Detail} is no longer in Tallyfy: not put back";
            }
            else
            {
                var memberList = group.Members.ToList();
                var guestList = group.Guests.ToList();
                foreach (var m in byGroup)
                {
                    if (m.Kind == PersonKind.Member && long.TryParse(m.TallyfyId ?? members.FirstOrDefault(x => EmailAddress.Normalize(x.Email) == m.Email)?.Id, out var id) && !memberList.Contains(id))
                    {
                        memberList.Add(id);
                    }
                    else if (m.Kind == PersonKind.Guest && !guestList.Any(g => EmailAddress.Normalize(g) == m.Email))
                    {
                        guestList.Add(m.Email);
                    }
                }

                var write = await sender.UpdateGroupAsync(group, memberList, guestList, control.StopSending, control.HardStop);
                outcome = write.Outcome == Outcome.Updated ? $"back in group {group.Name}" : $"not put back in group {group.Name}: {write.Message}";
                if (write.Outcome == Outcome.Updated)
                {
                    foreach (var m in byGroup)
                    {
                        journal.RecordMembership(group.Name, m.Kind, m.Email, added: true);
                    }
                }
            }

            foreach (var m in byGroup)
            {
                var index = results.FindIndex(r => r.Kind == m.Kind && EmailAddress.Normalize(r.Email) == m.Email);
                if (index >= 0)
                {
                    results[index] = results[index] with { Message = Join(results[index].Message, outcome) };
                }
            }
        }
    }

    private async Task<RowResult> UndoOneAsync(SyncActionRecord action, List<ListedPerson> members, List<ListedPerson> guests, RowSender sender, RunJournal journal, RunControl control)
    {
        var none = new RawRecord(0, []);
        if (control.IsStopping)
        {
            return new RowResult(none, action.Kind, action.Email, Outcome.NotAttempted, Message: $"not sent: {control.Reason}");
        }

        DeliveryResult delivery;
        if (action.Kind == PersonKind.Member)
        {
            var member = members.FirstOrDefault(m => EmailAddress.Normalize(m.Email) == action.Email);
            if (member is null || member.Id is null)
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.Failed, Message: "Tallyfy no longer lists this member: it cannot be re-enabled");
            }

            if (!string.Equals(member.Status, "disabled", StringComparison.OrdinalIgnoreCase))
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.Unchanged, TallyfyId: member.Id, Message: $"already {member.Status ?? "enabled"} in Tallyfy");
            }

            delivery = await sender.EnableAsync(member.Id, control.StopSending, control.HardStop);
            delivery = delivery.Outcome == Outcome.Updated ? delivery with { Message = "re-enabled (deactivated by the undone run)" } : delivery;
        }
        else
        {
            if (guests.Any(g => EmailAddress.Normalize(g.Email) == action.Email))
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.AlreadyExists, Message: "the guest is in Tallyfy again already");
            }

            var snapshot = action.Snapshot is null ? null : JsonSerializer.Deserialize<ListedPerson>(action.Snapshot, SnapshotJson);
            var guest = new GuestPayload { Email = action.Email, FirstName = snapshot?.FirstName, LastName = snapshot?.LastName, AssociatedMembers = snapshot?.AssociatedMembers };
            delivery = await sender.SendAsync(guest, control.StopSending, control.HardStop);
            delivery = delivery.Outcome == Outcome.Created ? delivery with { Message = "re-created (removed by the undone run)" } : delivery;
        }

        if (delivery.StopsRun)
        {
            control.Stop(delivery.Message ?? "the API refused further requests");
        }

        var result = new RowResult(none, action.Kind, action.Email, delivery.Outcome, delivery.Reason, delivery.HttpStatus, delivery.Attempts, delivery.TallyfyId ?? action.TallyfyId, delivery.Message);
        journal.RecordSyncAction(new SyncActionRecord(action.Kind, action.Email, action.Kind == PersonKind.Member ? "enable" : "recreate",
            delivery.Outcome.ToReportWord(), result.TallyfyId, delivery.Message, null, null));
        return result;
    }

    /// <summary>An approved plan still holds when everything the roster and Tallyfy call for now is in it; what it lists that is no longer needed was done since.</summary>
    private static void EnsureWithin(SyncPlan now, PlanFile approved, string planPath)
    {
        var approvedChanges = approved.ToChanges().ToList();
        var allowed = approvedChanges.Where(c => c.Intent != PlanAction.Unchanged).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);

        // A leaver leaves the groups BulkOnboard put them in: approving the leaver (even held) approves that.
        var leavers = approvedChanges.Where(c => c.Row is null && c.Intent.IsLeaverAction()).Select(c => (c.Kind, c.Email)).ToHashSet();
        var beyond = now.All.Where(c => c.Intent != PlanAction.Unchanged && !allowed.Contains(c.Key)
            && !(c.Row is null && c.Action == PlanAction.RemoveFromGroup && leavers.Contains((c.Kind, c.Email)))).ToList();
        if (beyond.Count > 0)
        {
            var first = beyond[0];
            throw new InputException(
                $"Tallyfy changed since the plan {planPath} was made: it does not cover {beyond.Count} change(s) now needed (first: {first.Intent.ToWord()} {first.Email}: {first.Detail}); nothing was sent; plan again");
        }
    }

    /// <summary>Applies the plan: joiners and movers in roster order, then leavers; every roster row and every leaver gets one result.</summary>
    private async Task<RowResult[]> ApplyAsync(SyncPlan plan, List<ValidatedRow> roster, List<ListedPerson> members, List<ListedPerson> guests, RowSender sender,
        RunJournal journal, RunControl control, string? reassignTo, string rosterFile)
    {
        var results = new RowResult[plan.Changes.Count];
        var byEmail = members.Select(m => (PersonKind.Member, m)).Concat(guests.Select(g => (PersonKind.Guest, g)))
            .GroupBy(p => (p.Item1, EmailAddress.Normalize(p.Item2.Email))).ToDictionary(g => g.Key, g => g.First().Item2);

        // Joiners an earlier run left in flight (read here, on one thread: the journal's look-up is not shared).
        var inFlight = plan.Changes.Where(c => c.Action is PlanAction.Create or PlanAction.Invite)
            .Select(c => (c, earlier: journal.Find(c.Kind, c.Email)))
            .Where(x => x.earlier is { WasInFlight: true })
            .ToDictionary(x => (x.c.Kind, x.c.Email), x => DateTimeOffset.Parse(x.earlier!.At, System.Globalization.CultureInfo.InvariantCulture));
        await Parallel.ForEachAsync(Enumerable.Range(0, plan.Changes.Count), new ParallelOptions { MaxDegreeOfParallelism = deliveryOptions.Value.MaxConcurrency }, async (i, _) =>
        {
            var change = plan.Changes[i];
            var row = i < roster.Count ? roster[i] : null;
            try
            {
                results[i] = await ApplyOneAsync(change, row, byEmail, sender, journal, control, reassignTo, rosterFile,
                    inFlight.TryGetValue((change.Kind, change.Email), out var at) ? at : null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bug must not lose the row: it is reported, and the run goes on.
                logger.LogError(ex, "Unexpected error applying {Action} to {Email}", change.Action.ToWord(), change.Email);
                results[i] = new RowResult(row?.Record ?? new RawRecord(0, []), change.Kind, change.Email, Outcome.Failed, Message: $"internal error: {ex.Message}");
            }
        });
        return results;
    }

    /// <param name="unansweredBefore">When an earlier run sent this joiner and never learnt what happened.</param>
    private async Task<RowResult> ApplyOneAsync(PlannedChange change, ValidatedRow? row, Dictionary<(PersonKind, string), ListedPerson> tallyfy, RowSender sender,
        RunJournal journal, RunControl control, string? reassignTo, string rosterFile, DateTimeOffset? unansweredBefore)
    {
        var record = row?.Record ?? new RawRecord(0, []);
        if (change.Action is PlanAction.Unchanged or PlanAction.Hold)
        {
            var settled = Planned(change, row);
            if (change.Action == PlanAction.Hold)
            {
                journal.RecordSyncAction(new SyncActionRecord(change.Kind, change.Email, change.Intent.ToWord(), "held", change.TallyfyId, change.Detail, null, rosterFile));
            }

            return settled;
        }

        if (control.IsStopping)
        {
            return new RowResult(record, change.Kind, change.Email, Outcome.NotAttempted, Message: $"not sent: {control.Reason ?? "the run stopped"}");
        }

        if (change.Action is PlanAction.Create or PlanAction.Invite)
        {
            // As for import: committed before the request goes out, so a crash cannot lead to a second invitation.
            await journal.MarkInFlightAsync(change.Kind, change.Email, row!.RowNumber);
        }

        var delivery = change.Action switch
        {
            PlanAction.Create or PlanAction.Invite => await sender.SendAsync(row!.Payload!, control.StopSending, control.HardStop, unansweredBefore),
            PlanAction.UpdateRole => await sender.ChangeRoleAsync(change.TallyfyId!, change.Role!, control.StopSending, control.HardStop),
            PlanAction.UpdateGuest => await sender.UpdateGuestAsync((GuestPayload)row!.Payload!, control.StopSending, control.HardStop),
            PlanAction.Deactivate => await sender.DeactivateAsync(change.TallyfyId!, reassignTo, control.StopSending, control.HardStop),
            PlanAction.Remove => await sender.RemoveGuestAsync(change.Email, control.StopSending, control.HardStop),
            _ => throw new InvalidOperationException($"no way to apply {change.Action}"),
        };
        if (delivery.StopsRun)
        {
            control.Stop(delivery.Message ?? "the API refused further requests");
        }

        var message = delivery.Message ?? (delivery.Outcome is Outcome.Failed or Outcome.NotAttempted ? null : change.Detail);
        var result = new RowResult(record, change.Kind, change.Email, delivery.Outcome, delivery.Reason, delivery.HttpStatus, delivery.Attempts,
            delivery.TallyfyId ?? change.TallyfyId, message);
        if (row is not null && change.Action is PlanAction.Create or PlanAction.Invite)
        {
            await journal.RecordAsync(result.Kind!.Value, result.Email, result.RowNumber, result.Outcome.ToReportWord(), result.Reason, result.TallyfyId, delivery.MaybeApplied);
        }
        else if (row is null)
        {
            var snapshot = tallyfy.TryGetValue((change.Kind, change.Email), out var before) ? JsonSerializer.Serialize(before, SnapshotJson) : null;
            journal.RecordSyncAction(new SyncActionRecord(change.Kind, change.Email, change.Action.ToWord(), delivery.Outcome.ToReportWord(), result.TallyfyId,
                delivery.Message ?? change.Detail, snapshot, rosterFile));
        }

        return result;
    }

    /// <summary>
    /// The plan's memberships, after the people: each changed group is written once with its whole new
    /// lists (Tallyfy's PUT replaces them); each membership's fate is folded into its person's line.
    /// </summary>
    private async Task ApplyGroupsAsync(SyncPlan plan, RowResult[] results, List<ValidatedRow> roster, List<ListedPerson> members, List<ListedGroup> groups,
        RowSender sender, RunJournal journal, RunControl control, string rosterFile)
    {
        if (plan.FollowUps.Count == 0)
        {
            return;
        }

        var memberIds = members.Where(m => m.Id is not null).GroupBy(m => EmailAddress.Normalize(m.Email)).ToDictionary(g => g.Key, g => g.First().Id!, StringComparer.Ordinal);
        for (var i = 0; i < roster.Count; i++)
        {
            if (results[i] is { Outcome: Outcome.Invited, TallyfyId: { } invitedId })
            {
                memberIds[EmailAddress.Normalize(results[i].Email)] = invitedId;
            }
        }

        var failures = new Dictionary<PlannedChange, string>();
        foreach (var profile in plan.FollowUps.Where(c => c.Action == PlanAction.UpdateProfile))
        {
            var write = control.IsStopping
                ? new DeliveryResult(Outcome.NotAttempted, null, null, 0, null, $"not sent: {control.Reason}")
                : await sender.UpdateProfileAsync(profile.TallyfyId!, profile.FirstName!, profile.LastName!, profile.Timezone!, control.StopSending, control.HardStop);
            if (write.StopsRun)
            {
                control.Stop(write.Message ?? "the API refused further requests");
            }

            if (write.Outcome != Outcome.Updated)
            {
                failures[profile] = $"{profile.Detail} not applied: {write.Message ?? write.Outcome.ToReportWord()}";
            }
        }

        foreach (var (change, why) in await GroupWriter.WriteAsync([.. plan.FollowUps.Where(c => c.IsGroupChange)], memberIds, groups, syncOptions.Value.CreateGroups,
            sender, journal, control, rosterFile))
        {
            failures[change] = why;
        }

        FoldGroups(plan, results, roster, failures);
    }

    /// <summary>Each membership's fate into its person's one line: a failed membership makes the line <c>failed</c> (with what else happened).</summary>
    private static void FoldGroups(SyncPlan plan, RowResult[] results, List<ValidatedRow> roster, Dictionary<PlannedChange, string> failures)
    {
        var rowIndex = roster.Select((r, i) => (r.RowNumber, i)).ToDictionary(x => x.RowNumber, x => x.i);
        var leaverIndex = plan.Changes.Select((c, i) => (c, i)).Where(x => x.c.Row is null).ToDictionary(x => (x.c.Kind, x.c.Email), x => x.i);
        foreach (var change in plan.FollowUps)
        {
            var index = change.Row is { } row ? rowIndex[row] : leaverIndex[(change.Kind, EmailAddress.Normalize(change.Email))];
            var result = results[index];
            var done = change.Action switch
            {
                PlanAction.AddToGroup => $"added to group {change.Group}",
                PlanAction.RemoveFromGroup => $"removed from group {change.Group}",
                _ => change.Detail,
            };
            results[index] = failures.TryGetValue(change, out var failure)
                ? result with
                {
                    Outcome = result.Outcome is Outcome.Failed or Outcome.NotAttempted ? result.Outcome : Outcome.Failed,
                    Reason = null,
                    Message = Join(result.Outcome is Outcome.Failed or Outcome.NotAttempted ? result.Message : $"{result.Outcome.ToReportWord()} ({result.Message})", failure),
                }
                : result with
                {
                    Outcome = result.Outcome == Outcome.Skipped && result.Reason == Outcomes.Unchanged ? Outcome.Updated : result.Outcome,
                    Reason = result.Outcome == Outcome.Skipped && result.Reason == Outcomes.Unchanged ? null : result.Reason,
                    Message = Join(result.Outcome == Outcome.Skipped && result.Reason == Outcomes.Unchanged ? null : result.Message, done),
                };
        }
    }

    private static string Join(string? first, string second) => string.IsNullOrEmpty(first) ? second : $"{first}; {second}";

    /// <summary>The result of a change that sends nothing: a plan's line, a hold, an unchanged or invalid row.</summary>
    private static RowResult Planned(PlannedChange change, ValidatedRow? row)
    {
        var record = row?.Record ?? new RawRecord(0, []);
        if (row is not null && !row.IsValid)
        {
            return row.FilteredBecause is { } why
                ? new RowResult(record, change.Kind, change.Email, Outcome.Skipped, Outcomes.Filtered, Message: why)
                : new RowResult(record, row.Kind, change.Email, Outcome.Invalid, Message: string.Join("; ", row.Errors));
        }

        return change.Action switch
        {
            PlanAction.Hold => new RowResult(record, change.Kind, change.Email, Outcome.Held, TallyfyId: change.TallyfyId, Message: change.Detail),
            PlanAction.Unchanged when row?.DuplicateOfRow is not null => new RowResult(record, change.Kind, change.Email, Outcome.Skipped, Outcomes.DuplicateInFile, Message: change.Detail),
            PlanAction.Unchanged => new RowResult(record, change.Kind, change.Email, Outcome.Skipped, Outcomes.Unchanged, TallyfyId: change.TallyfyId, Message: change.Detail),

            // --plan: what would be done, sent nowhere.
            _ => new RowResult(record, change.Kind, change.Email, Outcome.NotAttempted, Message: $"planned, not applied: {change.Action.ToWord()} ({change.Detail})"),
        };
    }

    private string? ResolveReassignTo(List<ListedPerson> members)
    {
        var target = syncOptions.Value.ReassignTo?.Trim();
        if (string.IsNullOrEmpty(target))
        {
            return null;
        }

        if (target.Contains('@', StringComparison.Ordinal))
        {
            return members.FirstOrDefault(m => EmailAddress.Normalize(m.Email) == EmailAddress.Normalize(target))?.Id
                ?? throw new InputException($"Sync:ReassignTo is {target}, who is not a member of the organization; nothing was changed");
        }

        return target;
    }

    private void LogPlan(SyncPlan plan, string planCsv)
    {
        var counts = string.Join(", ", Enum.GetValues<PlanAction>().Select(a => (a, n: plan.Count(a))).Where(x => x.n > 0).Select(x => $"{x.n} {x.a.ToWord()}"));
        logger.LogInformation("Sync plan ({Path}): {Counts}; {OutOfScope} people in Tallyfy but not in the roster are left alone (not onboarded by BulkOnboard, or deactivated)",
            planCsv, counts, plan.OutOfScope);
        foreach (var guard in plan.Guards.Take(5))
        {
            logger.LogWarning("Sync guard: {Guard}", guard);
        }
    }

    private RunSummary Summarize(SyncMode mode, string input, string sha, DateTimeOffset startedAt, long startTimestamp, OutcomeCounts counts, RowSender sender, long runId,
        string? stopReason, ReportPaths paths) => RunSummary.Of(
            mode == SyncMode.Plan ? "sync --plan" : "sync", input.StartsWith("undo", StringComparison.Ordinal) ? input : Path.GetFullPath(input), sha, startedAt, counts,
            mode == SyncMode.Plan
                ? (counts[Outcome.Invalid] > 0 ? ExitCodes.RowsNeedAttention : ExitCodes.Success)
                : RunSummary.DecideExitCode(counts, stopReason is not null)) with
    {
        NotAttempted = mode == SyncMode.Plan ? 0 : counts[Outcome.NotAttempted],
        Deactivated = counts[Outcome.Deactivated],
        Removed = counts[Outcome.Removed],
        Held = counts[Outcome.Held],
        Requests = sender.Stats.Requests,
        Retries = sender.Stats.Retries,
        RateLimited = sender.Stats.RateLimited,
        RateLimitWaitMs = (long)sender.RateLimitWait.TotalMilliseconds,
        ElapsedMs = (long)timeProvider.GetElapsedTime(startTimestamp).TotalMilliseconds,
        StoppedBecause = stopReason,
        RunId = runId,
        Reports = paths,
    };
}
