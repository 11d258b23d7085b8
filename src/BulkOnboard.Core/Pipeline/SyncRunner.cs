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
/// A sync run: read and validate the whole roster, list Tallyfy, plan (<see cref="RosterPlanner"/>),
/// write the plan; then, when asked, apply it through the delivery core and report every roster row
/// once and every leaver once. (<c>--undo</c> is <see cref="SyncUndoRunner"/>.)
/// </summary>
internal sealed partial class SyncRunner(
    IOptions<ImportOptions> importOptions,
    IOptions<SyncOptions> syncOptions,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider timeProvider,
    ILogger<SyncRunner> logger,
    IOptions<DatesOptions>? datesOptions = null,
    DueRunner? dueRunner = null,
    IOptions<ReportsOptions>? reportsOptions = null,
    IOptions<JourneysOptions>? journeyOptions = null)
{
    /// <summary>
    /// Plans, and applies when <paramref name="mode"/> says so. Throws <see cref="InputException"/> (one
    /// line, nothing sent) for an unusable roster or plan, a stale plan, or a Tallyfy that cannot be listed.
    /// </summary>
    /// <param name="ask">With <c>Sync:Approval:Approvers</c>, a plan only (<c>--plan --ask</c>) asks for approval in Tallyfy too (a plan-and-apply always does when it holds changes).</param>
    /// <param name="approvedHolds">For an approval given in Tallyfy: the held changes (their keys) the approver lifted; the rest stay held.</param>
    public async Task<SyncOutcome> RunAsync(SyncMode mode, string? rosterPath, string? planPath, JournalRequest journalRequest, RowSender sender, string reportFolder, CancellationToken cancellationToken,
        bool ask = false, IReadOnlySet<string>? approvedHolds = null)
    {
        PlanFile? approved = null;
        if (mode == SyncMode.Apply)
        {
            approved = PlanFile.Read(planPath!);
            if (timeProvider.GetUtcNow() - approved.PlannedAt > syncOptions.Value.PlanMaxAge)
            {
                throw new StalePlanException($"the plan {planPath} was made {approved.PlannedAt:u}, longer ago than Sync:PlanMaxAge ({syncOptions.Value.PlanMaxAge}); plan again");
            }

            // An approval's apply names the roster copy kept beside its plan (the watched file has moved on); its SHA-256 is checked as ever.
            rosterPath ??= approved.RosterFile;
        }

        var startedAt = timeProvider.GetLocalNow();
        var startTimestamp = timeProvider.GetTimestamp();
        var options = importOptions.Value;
        var dateSettings = datesOptions?.Value ?? new DatesOptions();
        var settings = PlanSettings.Of(options, syncOptions.Value, dateSettings);
        var mapping = approved is null ? MappingNow() : ApprovedMapping(approved, planPath!, settings);
        using var table = options.OpenInputUntil(rosterPath!, mapping, cancellationToken);
        if (RowValidator.CheckKindSource(table.Columns, options.ToDefaults()) is { } kindProblem)
        {
            throw new InputException(kindProblem);
        }

        if (approved is not null && approved.RosterSha256 != table.Fingerprint.Sha256)
        {
            throw new StalePlanException($"the roster {rosterPath} changed since the plan {planPath} was made (its SHA-256 differs); plan again");
        }

        var records = table.DataRows().ToList();
        var rowDates = RowDates.Decide(table.Columns, records, dateSettings.DefaultZone());
        var validator = new RowValidator(table.Columns, options.ToDefaults(), rowDates);
        var roster = records.Select(validator.Validate).ToList();
        await using var journal = RunJournal.Open(journalRequest.Path, journalRequest.Target, Path.GetFullPath(rosterPath!), table.Fingerprint.Sha256, forced: false, timeProvider, logger, command: "sync", journalRequest.BusyTimeout, deferRun: true);
        sender.RememberCaps(journal.RememberedCaps(), journal.RememberedPace());

        // The report folder is checked before the first request: a folder that cannot be written sends nothing.
        var paths = ReportPaths.Create(reportFolder, rosterPath!, startedAt, reportsOptions?.Value);
        var (members, memberPages) = await sender.ListAllAsync(PersonKind.Member, cancellationToken);
        var (guests, guestPages) = await sender.ListAllAsync(PersonKind.Guest, cancellationToken);
        logger.LogInformation("Sync: the roster has {Rows} rows; Tallyfy lists {Members} members and {Guests} guests ({Requests} listing requests)",
            roster.Count, members.Count, guests.Count, memberPages + guestPages);
        var memberships = journal.ManagedMemberships();
        var groups = await ListGroupsAsync(sender, needed: table.Columns.Has(Field.Groups) || memberships.Count > 0, cancellationToken);

        // The journeys are resolved against Tallyfy's templates before anything is written: one that cannot run stops here.
        var journeyValues = new JourneyValues(table.Columns, rowDates);
        var journeys = await JourneyLaunches.PrepareAsync(journeyOptions?.Value.Journeys ?? [], sender, journal, journeyValues.Knows, logger, cancellationToken);

        // The run starts once Tallyfy is listed: a listing that fails leaves no run without an end.
        await journal.StartRunAsync();
        var now = timeProvider.GetUtcNow();
        var history = new SyncHistory(journal.Onboarded(), journal.RosterBaseline(now, syncOptions.Value.RosterBaselineWindow), journal.Absences())
        {
            Memberships = memberships,
            KnownNotOnboarded = journal.KnownNotOnboarded(),
            Now = now,
            RosterSha256 = table.Fingerprint.Sha256,
            Dates = rowDates is null ? null : new DatePolicy(dateSettings, now),
            LeaversLast24Hours = journal.LeaverActionsSince(now - LeaverPolicy.CapWindow),
            Identities = journal.Identities(),
            DeactivatedByUs = journal.DeactivatedByUs(),
        };
        var plan = RosterPlanner.Plan(roster, new TallyfyPeople(members, guests) { Groups = groups }, history, syncOptions.Value);
        plan = await HandOverWorkAsync(plan, roster, members, guests, journal, sender, cancellationToken);
        IReadOnlyList<PlannedChange> noLongerNeeded = [];
        if (approved is not null)
        {
            (plan, noLongerNeeded) = Exactly(plan, approved, planPath!);
            plan = Lift(plan, approvedHolds);
        }

        var planFile = PlanFile.From(plan, rosterPath!, table.Fingerprint.Sha256, timeProvider.GetUtcNow(), journal.RunId, mapping, settings);
        var (planCsv, planJson) = planFile.Write(paths.Prefix, paths.Bom);
        LogPlan(plan, planCsv);

        var counts = new OutcomeCounts();
        string? stopReason = null;
        (int Changed, int Failed)? membershipCounts = null;
        int? dueCarriedOut = null;
        var invalidRows = new List<ProblemRow>();
        if (mode == SyncMode.Plan)
        {
            // A plan sends nothing and has no results: plan.csv says what would happen to each person.
            foreach (var (change, i) in plan.Changes.Select((c, i) => (c, i)))
            {
                var planned = Planned(change, i < roster.Count ? roster[i] : null);
                counts.Add(planned);
                if (planned.Outcome == Outcome.Invalid)
                {
                    invalidRows.Add(ProblemRow.Of(planned));
                }
            }
        }
        else
        {
            using var control = new RunControl(cancellationToken, deliveryOptions.Value.HardStopGrace, timeProvider, logger);
            using var report = new GuardedReport(new ResultsReport(paths, table.Columns), control, logger);
            var protocol = new JournalProtocol(journal, control);
            // Sync:ReassignTo names a member Tallyfy has, or nothing is sent (the plan's successors come from HandOver).
            _ = ResolveReassignTo(members);
            sender.AnnounceEstimate(plan.Count(PlanAction.Create), plan.Count(PlanAction.Invite), logger);
            // Each line is on disk the moment its change settles: a sync stopped at any point (killed, even) leaves a
            // line for every change Tallyfy answered. The report puts them in order at its end.
            var writing = new Lock();
            var results = await ApplyAsync(plan, roster, members, guests, groups, sender, journal, protocol, control, Path.GetFullPath(rosterPath!), (i, result) =>
            {
                lock (writing)
                {
                    report.Write(result, i);
                    report.Flush();
                }
            });
            var beforeFollowUps = (RowResult[])results.Clone();
            try
            {
                membershipCounts = await SyncFollowUps.ApplyAsync(plan, results, roster, members, groups, syncOptions.Value.CreateGroups, sender, protocol, control, Path.GetFullPath(rosterPath!));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The people's changes were made: their results are still written; the follow-ups are reported as not done.
                logger.LogError(ex, "Profiles and group memberships could not be applied: {Message}", ex.Message);
                membershipCounts = (0, plan.FollowUps.Count(c => c.IsGroupChange));
            }
            // A person's line again where a profile, a membership or a journey changed what it says.
            var lane = journeys is null ? null
                : new JourneyLane(journeys, journeyValues, await JourneyHistory.ReadAsync(journal, journeys.Names), control, deliveryOptions.Value.MaxConcurrency, timeProvider.GetUtcNow(), Path.GetFullPath(rosterPath!));
            lane?.Start();
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = lane?.Settle(i, results[i]) ?? results[i];
                counts.Add(results[i]);
                if (!ReferenceEquals(results[i], beforeFollowUps[i]))
                {
                    report.Rewrite(results[i], i);
                }
            }

            var launchesScheduled = await FinishJourneysAsync(lane, plan.Due, counts, report);

            foreach (var result in NoLongerNeeded(noLongerNeeded, members, guests))
            {
                counts.Add(result);
                report.Write(result);
            }

            report.Flush();

            if (control.Reason is null)
            {
                // Only a roster applied to the end counts for the grace period and the next roster's size check.
                await protocol.RecordAsync(j => j.RecordRosterAsync(plan.RosterPeople, table.Fingerprint.Sha256, plan.Missing, HandOver.RosterManagers(roster),
                    RosterPlanner.Identities(roster)));

                // The full roster says what waits: a hire withdrawn (or whose start moved) is never sent early.
                var due = plan.Due.Select(d => d with { Source = Path.GetFullPath(rosterPath!) }).Concat(launchesScheduled).ToList();
                var keep = due.Select(d => (d.Kind, EmailAddress.Normalize(d.Email), d.Action)).ToHashSet();
                var carried = results.Where(r => r.Kind is not null && r.Outcome is Outcome.Created or Outcome.Invited or Outcome.Deactivated or Outcome.Removed)
                    .Select(r => (r.Kind!.Value, r.Email, r.Outcome is Outcome.Deactivated or Outcome.Removed)).ToList();

                // A hire withdrawn (not listed, or listed without a start date) is cancelled and reported; one listed on an invalid row keeps waiting.
                var withdrawals = new WithdrawnHires(journal.PendingDue(), source: null);
                roster.ForEach(withdrawals.Note);
                var withdrawn = withdrawals.Find();
                keep.UnionWith(withdrawals.Unjudged.Select(a => (a.Kind, EmailAddress.Normalize(a.Email), a.Action)));
                if (await protocol.RecordAsync(j => j.ScheduleAsync(due)) && await protocol.RecordAsync(j => j.WithdrawAsync(withdrawn)))
                {
                    ImportRunner.LogWithdrawn(withdrawn, logger);
                    foreach (var line in withdrawn.Select(RowResult.Cancelled))
                    {
                        counts.Add(line);
                        report.Write(line);
                    }

                    report.Flush();
                }

                // A dated leaver the policy holds when scheduled is reported now (a line of its own, held), and parked.
                var lines = due.Where(d => d.HeldReason is not null).Select(RowResult.HeldWhenDue).ToList();
                if (!control.IsStopping && await protocol.RecordAsync(j => j.CancelDueAsync(keep, carried, $"no longer in the roster applied by run {j.RunId}"))
                    && dueRunner is { } runner)
                {
                    // What came due is this run's work too: a line each in its results.csv (row empty), counted in its exit code.
                    var done = await runner.CarryOutAsync(journal, sender, control);
                    dueCarriedOut = done.Count;
                    lines.AddRange(done);
                }

                foreach (var line in lines)
                {
                    counts.Add(line);
                    report.Write(line);
                }

                report.Flush();
            }

            stopReason = control.Reason;
            await ImportRunner.RememberCapsAsync(journal, sender, logger);
        }

        var summary = Summarize(mode == SyncMode.Plan ? "sync --plan" : "sync", Path.GetFullPath(rosterPath!), table.Fingerprint.Sha256, startedAt,
            timeProvider.GetElapsedTime(startTimestamp), counts, sender, journal.RunId, stopReason,
            mode == SyncMode.Plan ? paths with { Results = planCsv, Failed = planCsv, ResultsWorkbook = null } : paths, planOnly: mode == SyncMode.Plan, groupChanges: membershipCounts);
        summary = summary with { PendingInvites = PendingInvites(members, journal, now), DueCarriedOut = dueCarriedOut, NextDue = (mode == SyncMode.Plan ? plan.Due.MinBy(d => d.DueAt) : journal.PendingDue().FirstOrDefault())?.DueLocal };
        ReportFiles.Finish(summary, summary.Reports ?? paths, logger, mode == SyncMode.Plan ? () => invalidRows : null, planFile);
        if (mode == SyncMode.PlanAndApply || (mode == SyncMode.Plan && ask))
        {
            summary = summary with { ApprovalTask = await AskApprovalAsync(plan, planJson, Path.GetFullPath(rosterPath!), table.Fingerprint.Sha256, members, sender, journal, cancellationToken) };
        }

        await journal.FinishAsync(summary.Totals);
        if (mode != SyncMode.Plan)
        {
            LogApplied(rosterPath!, summary);
        }

        return new SyncOutcome(summary, planCsv, planJson);
    }

    /// <summary>A sync's (or an undo's) summary: the counts, the leaver outcomes, what the sender measured.</summary>
    internal static RunSummary Summarize(string command, string inputFile, string sha, DateTimeOffset startedAt, TimeSpan elapsed, OutcomeCounts counts, RowSender sender,
        long runId, string? stopReason, ReportPaths paths, bool planOnly = false, (int Changed, int Failed)? groupChanges = null) => (RunSummary.Of(
            command, inputFile, sha, startedAt, counts,
            planOnly
                ? (counts[Outcome.Invalid] > 0 ? ExitCodes.RowsNeedAttention : ExitCodes.Success)
                : RunSummary.DecideExitCode(counts, stopReason is not null, groupChanges?.Failed ?? 0)) with
    {
        GroupMembershipsAdded = groupChanges?.Changed,
        GroupMembershipsFailed = groupChanges?.Failed,
        NotAttempted = planOnly ? 0 : counts[Outcome.NotAttempted],
        Deactivated = counts[Outcome.Deactivated],
        Removed = counts[Outcome.Removed],
        Held = counts[Outcome.Held],
        Requests = sender.Stats.Requests,
        ApiLimits = [.. sender.ApiLimits.Select(l => new ApiLimitSummary(l.Requests, l.Window.TotalSeconds, l.Source))],
        Estimates = sender.EstimatesWithActuals(startedAt),
        Retries = sender.Stats.Retries,
        RateLimited = sender.Stats.RateLimited,
        RateLimitWaitMs = (long)sender.RateLimitWait.TotalMilliseconds,
        ElapsedMs = (long)elapsed.TotalMilliseconds,
        StoppedBecause = stopReason,
        RunId = runId,
        Reports = paths,
    }).With(sender.Stats.Timeline.Snapshot());
}
