using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>What an import does with one validated row: settle it here, or send it.</summary>
/// <param name="Settled">The row's result when nothing is sent for it.</param>
/// <param name="UnansweredBefore">To send: when an earlier run sent this row and never learnt what happened.</param>
/// <param name="UpdateKnown">To send: the preflight listing found this guest and <c>--on-existing update</c> asks for its details (no create).</param>
/// <param name="UpdateIfExists">To send: should the create find the person in Tallyfy, update their details rather than skip.</param>
internal readonly record struct RowPlan(RowResult? Settled, DateTimeOffset? UnansweredBefore = null, bool UpdateKnown = false, bool UpdateIfExists = false)
{
    public bool Sends => Settled is null;
}

/// <summary>
/// The import's plan stage, one row at a time in input order: an import is the plan of joiners (and,
/// with <c>--on-existing update</c>, guest updates) applied at once. It decides, for each row, from the
/// journal (<c>--force</c>), the preflight listing and the update mode: skip as done earlier, skip as
/// known to Tallyfy, send (to create, or to update a known guest), or settle without a request.
/// </summary>
/// <param name="dates">Reads start and end dates against the clock (PRODUCT.md, "Dates").</param>
/// <param name="source">The file, for the journal's record of what it scheduled.</param>
/// <param name="withdrawals">The hires earlier files from this source scheduled: every row is noted, to tell which this file withdraws.</param>
internal sealed class ImportPlanner(RunMode mode, RunJournal? journal, bool force, bool updateExisting, Preflight? preflight, DatePolicy? dates = null, string? source = null,
    WithdrawnHires? withdrawals = null)
{
    private ExistingPeople? _existing;

    /// <summary>The joiners this run scheduled (their start is further away than the lead time), for the journal.</summary>
    public List<DueAction> Scheduled { get; } = [];

    /// <summary>Rows the preflight listing found in Tallyfy, settled without a create request.</summary>
    public int SavedByPreflight { get; private set; }

    public bool Sends => mode == RunMode.Import;

    /// <summary>Runs the preflight, sized by the first batch's rows that would be sent (the journal's done rows are not).</summary>
    public async Task PrepareAsync(ReadOnlyMemory<ValidatedRow> firstRows, CancellationToken cancellationToken)
    {
        if (preflight is null || !Sends)
        {
            return;
        }

        var (guests, members) = (0, 0);
        foreach (var row in firstRows.Span)
        {
            if (row.IsSendable && DoneEarlier(row, journal?.Find(row.Kind!.Value, row.Email)) is null)
            {
                (guests, members) = row.Kind == PersonKind.Guest ? (guests + 1, members) : (guests, members + 1);
            }
        }

        await preflight.RunAsync(guests, members, cancellationToken);
        _existing = preflight.Found;
    }

    /// <summary>Plans a deduplicated row; call in input order. <paramref name="stopping"/>: the run is stopping, nothing more is sent.</summary>
    public RowPlan Plan(ValidatedRow row, bool stopping, string? stopReason)
    {
        withdrawals?.Note(row);
        var earlier = Sends && row.IsSendable ? journal?.Find(row.Kind!.Value, row.Email) : null;
        var updatable = UpdatesExisting(row);
        var known = Sends && row.IsSendable && _existing?.Contains(row.Kind!.Value, row.Email) == true;
        if (DoneEarlier(row, earlier) is { } done)
        {
            return new(new RowResult(row.Record, row.Kind, row.Email, Outcome.Skipped, Outcomes.AlreadyDone,
                TallyfyId: done.TallyfyId, Message: $"done by run {done.RunId} ({done.Outcome}, {done.At}); --force sends it again"));
        }

        if (known && !updatable && earlier is not { WasInFlight: true } && !stopping)
        {
            SavedByPreflight++;
            return new(new RowResult(row.Record, row.Kind, row.Email, Outcome.Skipped, Outcomes.AlreadyExists,
                Message: "found in Tallyfy's listing (preflight); no request sent"));
        }

        // validate judges the dates as import does (a true preview: scheduled and ended, not 'valid'), and schedules nothing.
        if (row.IsSendable && dates?.JudgeJoiner(row, source) is { } dated)
        {
            if (dated.Due is { } due && Sends)
            {
                Scheduled.Add(due);
            }

            return new(new RowResult(row.Record, row.Kind, row.Email, dated.IsScheduled ? Outcome.Scheduled : Outcome.Skipped, dated.Reason, Message: dated.Message));
        }

        if (Sends && row.IsSendable && !stopping)
        {
            // A known guest to update costs no create; a known row an earlier run left in flight is
            // still sent, so that what that run did is confirmed (and reported) rather than guessed.
            var update = known && updatable;
            SavedByPreflight += update ? 1 : 0;
            return new(null, earlier is { WasInFlight: true } ? DateTimeOffset.Parse(earlier.At, System.Globalization.CultureInfo.InvariantCulture) : null, update, updatable);
        }

        return new(Settle(row, stopReason));
    }

    /// <summary>The outcome of a row that is not sent: filtered, invalid, a repeat, validate-only, or after a stop.</summary>
    public RowResult Settle(ValidatedRow row, string? stopReason)
    {
        if (RowResult.SettledByValidation(row) is { } settled)
        {
            return settled;
        }

        if (row.DuplicateOfRow is { } first)
        {
            return new RowResult(row.Record, row.Kind, row.Email, Outcome.Skipped, Outcomes.DuplicateInFile, Message: $"same email and kind as row {first}");
        }

        return Sends
            ? RowResult.NotSent(row.Record, row.Kind, row.Email, stopReason)
            : new RowResult(row.Record, row.Kind, row.Email, Outcome.Valid, row.Kind == PersonKind.Member ? Outcomes.WouldInvite : Outcomes.WouldCreate);
    }

    /// <summary>
    /// The journal's entry when an earlier run did this row and it is not sent again. With
    /// --on-existing update, a guest done by an earlier run may have new details today: it is checked, not skipped.
    /// </summary>
    private JournalEntry? DoneEarlier(ValidatedRow row, JournalEntry? earlier) =>
        earlier is { IsDone: true } && !force && !UpdatesExisting(row) ? earlier : null;

    /// <summary>Update or skip for this row, by the one rule (<see cref="ImportOptions.Updates"/>); the sender does what the plan says (<see cref="RowPlan.UpdateIfExists"/>).</summary>
    private bool UpdatesExisting(ValidatedRow row) => ImportOptions.Updates(updateExisting, row.Kind);
}
