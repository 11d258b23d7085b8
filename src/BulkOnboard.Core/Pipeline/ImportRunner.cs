using System.Threading.Channels;
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
/// Runs one file through the stages: read (one task) → validate (same task, in input order) →
/// send (<c>Delivery:MaxConcurrency</c> workers) → report (one task, back in input order).
/// Bounded channels let the stages overlap (<see cref="ImportFlow"/>); memory stays flat however large the file.
/// </summary>
internal sealed partial class ImportRunner(
    IOptions<ImportOptions> importOptions,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider timeProvider,
    ILogger<ImportRunner> logger,
    IOptions<SyncOptions>? syncOptions = null,
    IOptions<DatesOptions>? datesOptions = null,
    DueRunner? dueRunner = null,
    IOptions<ReportsOptions>? reportsOptions = null,
    IOptions<JourneysOptions>? journeyOptions = null)
{
    /// <summary>
    /// Runs the file. Throws <see cref="InputException"/> before anything is sent when the input or
    /// the report folder cannot be used; every other problem becomes row outcomes.
    /// </summary>
    public async Task<RunSummary> RunAsync(RunRequest request, RowSender? sender, IRunObserver observer, CancellationToken cancellationToken)
    {
        if (request.Mode == RunMode.Import && sender is null)
        {
            throw new ArgumentException("An import needs a sender.", nameof(sender));
        }

        var options = importOptions.Value;
        var startedAt = timeProvider.GetLocalNow();
        var startTimestamp = timeProvider.GetTimestamp();

        // Opening is the first pass over the file (its hash, its quoting, its rows counted, its date formats decided)
        // and honours shutdown (nothing is sent yet); reading the rows ignores it on purpose: after Ctrl+C the
        // rest of the file is still read, so that every row is reported (not_attempted) and can be fed back in.
        var datesScan = new RowDatesScanner(DatesSettings.DefaultZone());
        using var table = options.OpenInputUntil(request.InputPath, [datesScan], cancellationToken);
        var defaults = options.ToDefaults();
        if (RowValidator.CheckKindSource(table.Columns, defaults) is { } kindProblem)
        {
            throw new InputException(kindProblem);
        }

        LogInput(request.InputPath, table);
        var dates = DecideDates(table, datesScan);

        // The journeys are resolved against Tallyfy's templates before anything is written, or a run opened: one that cannot run stops here (exit 1).
        var journeyValues = new JourneyValues(table.Columns, dates);
        var journeys = await PrepareJourneysAsync(request, sender, journeyValues, cancellationToken);

        // The journal lock is taken before any report file exists: a run turned away (exit 4) leaves nothing behind.
        await using var journal = request.Mode == RunMode.Import && request.Journal is { } journalRequest
            ? RunJournal.Open(journalRequest.Path, journalRequest.Target, request.Named, table.Fingerprint.Sha256, journalRequest.Force, timeProvider, logger,
                busyTimeout: journalRequest.BusyTimeout, shareWithinProcess: journalRequest.ShareWithinProcess)
            : null;
        if (journal is not null)
        {
            // What earlier runs learned of the API's caps holds from the first request.
            sender?.RememberCaps(journal.RememberedCaps(), journal.RememberedPace());
        }

        journeys?.Use(journal);
        var paths = ReportPaths.Create(request.ReportFolder ?? options.ReportFolder, request.InputPath, startedAt, reportsOptions?.Value);
        Preflight? preflight = null;
        var counts = new OutcomeCounts();
        var carriedOut = new List<(PersonKind Kind, string Email, bool Leaver)>();

        // Only a file with dates, or an organization with actions waiting, keeps who each row settled; and only
        // the hires this file's source scheduled are looked for in it, to tell which it withdraws.
        var pending = journal?.PendingDue() ?? [];
        var trackDue = journal is not null && (dates is not null || pending.Count > 0);
        var withdrawals = new WithdrawnHires(pending, request.Named);
        (int CarriedOut, string? Next) due = (0, null);
        string? stopReason;
        var savedByPreflight = 0;
        var withGroups = request.Mode == RunMode.Import && sender is not null && table.Columns.Has(Input.Field.Groups) ? new List<(RowResult Result, IReadOnlyList<string> Groups)>() : null;
        using (var control = new RunControl(cancellationToken, deliveryOptions.Value.HardStopGrace, timeProvider, logger))
        {
            var report = new GuardedReport(new ResultsReport(paths, table.Columns), control, logger);
            // Rows count as they settle, and the time left is the gate's, from the rows of each kind still to send.
            var progress = new RunProgress(table.ExpectedRows, sender?.Gate, timeProvider);
            observer.Started(request.InputPath, table.Description, progress);
            preflight = request.Mode == RunMode.Import && sender is not null ? new Preflight(options.Preflight, sender, control, logger) : null;
            var planner = new ImportPlanner(request.Mode, journal, request.Journal?.Force ?? false, options.UpdateExisting, preflight,
                dates is null ? null : new Plan.DatePolicy(DatesSettings, timeProvider.GetUtcNow()), request.Named, withdrawals.Any ? withdrawals : null);
            var flow = new ImportFlow(table, new RowValidator(table.Columns, defaults, dates), planner, sender, journal, control, deliveryOptions.Value.MaxConcurrency, logger, progress);
            var runJourneys = await StartJourneysAsync(request, journeys, journeyValues, journal, control, counts, report);
            await flow.RunAsync((sequence, result) =>
            {
                result = runJourneys.Settle(sequence, result);
                counts.Add(result);
                report.Write(result, sequence);
                observer.RowFinished(result);
                // A person now in Tallyfy, ended, or filtered out no longer waits for an invite (0 invites to withdrawn hires).
                if (trackDue && result.Kind is { } kind
                    && (IsInTallyfy(result) || (result.Outcome == Outcome.Skipped && result.Reason is Outcomes.Ended or Outcomes.Filtered)))
                {
                    carriedOut.Add((kind, result.Email, false));
                }

                if (withGroups is not null && result.Kind is not null && IsInTallyfy(result)
                    && Validation.FieldRules.ParseGroups(table.Columns.Get(result.Record.Cells, Input.Field.Groups)) is { Count: > 0 } groups)
                {
                    withGroups.Add((result, groups));
                }
            }, runJourneys.Drained);
            await runJourneys.FinishAsync(planner.Scheduled);

            stopReason = control.Reason;
            savedByPreflight = flow.SavedByPreflight;
            report.Flush();
            if (journal is not null)
            {
                // The hires this file withdrew are reported too, and on disk before any due action is carried out.
                due = await SettleDatesAsync(journal, planner.Scheduled, withdrawals.Any ? withdrawals : null, carriedOut, sender!, control, lines =>
                {
                    lines.ForEach(counts.Add);
                    lines.ForEach(line => report.Write(line));
                    report.Flush();
                });
            }

            report.Dispose();
        }

        foreach (var (rule, _) in table.Columns.Filters.Where(f => f.Rule.Unevaluated > 0))
        {
            logger.LogWarning("The mapping file's rule ({Rule}) could not be evaluated on {Rows} rows (its pattern took longer than {Seconds} s); they were kept out (skipped, filtered)",
                rule.Describe(), rule.Unevaluated, RowFilter.MatchTimeout.TotalSeconds);
        }

        if (journal is not null && sender is not null)
        {
            await RememberCapsAsync(journal, sender, logger);
        }

        var (groupsAdded, groupsFailed) = withGroups is { Count: > 0 } && stopReason is null
            ? await AddToGroupsAsync(withGroups, sender!, journal, cancellationToken)
            : (0, 0);
        var exitCode = RunSummary.DecideExitCode(counts, stopReason is not null, groupsFailed);
        var summary = RunSummary.Of(request.Mode == RunMode.Import ? "import" : "validate", request.Named, table.Fingerprint.Sha256, startedAt, counts, exitCode) with
        {
            GroupMembershipsAdded = withGroups is null ? null : groupsAdded,
            GroupMembershipsFailed = withGroups is null ? null : groupsFailed,
            Requests = sender?.Stats.Requests ?? 0,
            Retries = sender?.Stats.Retries ?? 0,
            RateLimited = sender?.Stats.RateLimited ?? 0,
            RateLimitWaitMs = sender is null ? null : (long)sender.RateLimitWait.TotalMilliseconds,
            ApiLimits = sender?.ApiLimits.Select(l => new ApiLimitSummary(l.Requests, l.Window.TotalSeconds, l.Source)).ToList(),
            Estimates = sender?.EstimatesWithActuals(startedAt),
            DueCarriedOut = journal is null ? null : due.CarriedOut,
            NextDue = due.Next,
            ElapsedMs = (long)timeProvider.GetElapsedTime(startTimestamp).TotalMilliseconds,
            CpuMs = (long)System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds,
            StoppedBecause = stopReason,
            RunId = journal?.RunId,
            PreflightRequests = preflight?.Found?.Requests,
            PreflightSavedPosts = preflight?.Found is null ? null : savedByPreflight,
            Reports = paths,
        };
        if (sender is not null)
        {
            summary = summary.With(sender.Stats.Timeline.Snapshot());
        }

        ReportFiles.Finish(summary, paths, logger);
        if (journal is not null)
        {
            await journal.FinishAsync(summary.Totals);
        }
        if (request.Mode == RunMode.Validate)
        {
            // A preview sends nothing: its closing line says what it found.
            logger.LogInformation("Finished {File}: {Total} rows: {Valid} valid, {Skipped} skipped, {Invalid} invalid, {Scheduled} scheduled; nothing sent; exit code {ExitCode}",
                Path.GetFileName(request.InputPath), summary.Total, summary.Valid, summary.Skipped, summary.Invalid, summary.Scheduled, summary.ExitCode);
            return summary;
        }

        logger.LogInformation(
            "Finished {File}: {Total} rows: {Created} created, {Invited} invited, {Skipped} skipped, {Invalid} invalid, {Failed} failed, {NotAttempted} not attempted; {Requests} requests in {Seconds:0.0} s; exit code {ExitCode}",
            Path.GetFileName(request.InputPath), summary.Total, summary.Created, summary.Invited, summary.Skipped, summary.Invalid,
            summary.Failed, summary.NotAttempted, summary.Requests, summary.ElapsedMs / 1000.0, summary.ExitCode);
        return summary;
    }

    /// <summary>Keeps the caps this run knows for the next run of this organization; a journal that cannot take them is only logged.</summary>
    internal static async Task RememberCapsAsync(RunJournal journal, RowSender sender, ILogger logger)
    {
        try
        {
            await journal.RememberCapsAsync(sender.Gate.LearnedCaps(), sender.Gate.LearnedPace);
        }
        catch (JournalUnavailableException ex)
        {
            logger.LogWarning("The API's caps learned in this run were not kept for the next: {Message}", ex.Message);
        }
    }

    private static bool IsInTallyfy(RowResult result) =>
        result.Outcome is Outcome.Created or Outcome.Invited or Outcome.Updated
        || (result.Outcome == Outcome.Skipped && result.Reason is Outcomes.AlreadyExists or Outcomes.AlreadyDone or Outcomes.Unchanged or Outcomes.NotUpdatable);

    /// <summary>
    /// <c>import</c> with a groups column: after the people, each named group is written once with the
    /// new members added (import never removes a membership). Problems are logged and counted: the
    /// rows' outcomes are already reported.
    /// </summary>
    private async Task<(int Added, int Failed)> AddToGroupsAsync(List<(RowResult Result, IReadOnlyList<string> Groups)> people, RowSender sender, RunJournal? journal, CancellationToken cancellationToken)
    {
        var wanted = people.SelectMany(p => p.Groups.Select(g => new Plan.PlannedChange(p.Result.RowNumber, p.Result.Kind!.Value, p.Result.Email, Plan.PlanAction.AddToGroup, $"add to group {g}", p.Result.TallyfyId, Group: g))).ToList();
        try
        {
            var groups = await sender.ListGroupsAsync(cancellationToken);
            var memberIds = people.Any(p => p.Result.Kind == PersonKind.Member && p.Result.TallyfyId is null)
                ? ListedPerson.IdsByEmail((await sender.ListAllAsync(PersonKind.Member, cancellationToken)).People)
                : new Dictionary<string, string>(StringComparer.Ordinal);

            foreach (var (result, _) in people.Where(p => p.Result.Kind == PersonKind.Member && p.Result.TallyfyId is not null))
            {
                memberIds[EmailAddress.Normalize(result.Email)] = result.TallyfyId!;
            }

            // Only what is missing: a membership Tallyfy already has is left as it is (and not claimed as BulkOnboard's).
            var byKey = ListedGroup.ByKey(groups);
            var missing = wanted.Where(c => !byKey.TryGetValue(ListedGroup.KeyOf(c.Group!), out var group) || !group.Holds(c.Kind, c.Email, memberIds)).ToList();
            using var control = new RunControl(cancellationToken, deliveryOptions.Value.HardStopGrace, timeProvider, logger);
            var failures = await GroupWriter.WriteAsync(missing, memberIds, groups, syncOptions?.Value.CreateGroups ?? false, sender, new JournalProtocol(journal, control), control, rosterFile: null);
            foreach (var (change, why) in failures)
            {
                logger.LogWarning("Row {Row} ({Email}): {Why}", change.Row, change.Email, why);
            }

            logger.LogInformation("Groups: {Added} memberships added, {Already} already in Tallyfy, {Failed} not added", missing.Count - failures.Count, wanted.Count - missing.Count, failures.Count);
            return (missing.Count - failures.Count, failures.Count);
        }
        catch (InputException ex)
        {
            logger.LogError("Groups: {Message}; no membership was added", ex.Message);
            return (0, wanted.Count);
        }
    }

    private void LogInput(string path, InputTable table)
    {
        logger.LogInformation("Reading {File}: {Format}; header on row {HeaderRow}", Path.GetFileName(path), table.Description, table.Columns.HeaderRowNumber);
        if (table.Columns.Mapping is { } mapping)
        {
            logger.LogInformation("Mapping file {Mapping}: {Columns} columns, {Values} value maps, {Defaults} defaults, {Filters} row filters",
                mapping.Path, mapping.Columns.Count, mapping.Values.Count, mapping.Defaults.Count, mapping.Include.Count + mapping.Exclude.Count);
        }

        foreach (var warning in table.Warnings)
        {
            logger.LogWarning("{Problem}", warning);
        }

        // A column an onboarding journey reads is used, though no field of a person's takes it.
        var journeyReads = JourneyColumns();
        if (table.Columns.UnknownColumns.Where(c => !journeyReads.Contains(c.Trim())).ToList() is { Count: > 0 } unknown)
        {
            logger.LogInformation("Ignoring columns BulkOnboard does not use: {Columns}",
                unknown.Count <= 50 ? string.Join(", ", unknown) : $"{string.Join(", ", unknown.Take(50))} and {unknown.Count - 50:N0} more");
        }

        if (table.Columns.EmailFoundByContent is { } why)
        {
            logger.LogInformation("{Why}", char.ToUpperInvariant(why[0]) + why[1..]);
        }

        if (table.Columns.Has(Input.Field.Groups))
        {
            logger.LogInformation("Groups from the column {Column}: people are added to the groups they name once they are in Tallyfy (import never removes a membership)", table.Columns.DisplayName(Input.Field.Groups));
        }

        if (table.Columns.Has(Input.Field.Timezone))
        {
            logger.LogInformation("Time zones are checked on every row but sent for guests only: Tallyfy's member invite takes no time zone");
        }
    }
}
