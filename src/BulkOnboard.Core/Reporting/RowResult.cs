using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Reporting;

/// <summary>One line of the results report: a row, what happened to it and why.</summary>
internal sealed record RowResult(
    RawRecord Record,
    PersonKind? Kind,
    string Email,
    Outcome Outcome,
    string? Reason = null,
    int? HttpStatus = null,
    int Attempts = 0,
    string? TallyfyId = null,
    string? Message = null)
{
    public int RowNumber => Record.RowNumber;

    /// <summary>Tallyfy's <c>X-Request-Id</c> of the row's last request (the report's last column, for support).</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// The person's names for a line of no input row (a leaver as Tallyfy listed them, a dated hire as the journal
    /// kept it); a row's line takes its names from the row itself (<see cref="ResultsReport"/>).
    /// </summary>
    public string? FirstName { get; init; }

    /// <inheritdoc cref="FirstName"/>
    public string? LastName { get; init; }

    /// <summary>The onboarding journey this person gets (PRODUCT.md, "Onboarding journeys"), when one applies.</summary>
    public string? Journey { get; init; }

    /// <summary>What became of it: launched, launched_incomplete, scheduled, skipped (already launched), failed, not_launched.</summary>
    public string? JourneyOutcome { get; init; }

    /// <summary>The process Tallyfy holds for it.</summary>
    public string? ProcessId { get; init; }

    /// <summary>Why the journey needs attention (also in the line's message).</summary>
    public string? JourneyMessage { get; init; }

    /// <summary>Whether the journey needs someone to look (exit 2): launched without some fields, failed, or not known to have launched.</summary>
    public bool JourneyNeedsAttention => JourneyOutcome is "launched_incomplete" or "failed";

    /// <summary>
    /// The line of a request that was made: what Tallyfy's answer said (<paramref name="delivery"/>), the person's
    /// id when the answer gave none, and <paramref name="message"/> in place of the answer's when given.
    /// </summary>
    public static RowResult Of(RawRecord record, PersonKind? kind, string email, Delivery.DeliveryResult delivery, string? tallyfyId = null, string? message = null) =>
        new(record, kind, email, delivery.Outcome, delivery.Reason, delivery.HttpStatus, delivery.Attempts, delivery.TallyfyId ?? tallyfyId, message ?? delivery.Message)
        {
            RequestId = delivery.RequestId,
        };

    /// <summary>A row the run stopped before sending: <c>not_attempted</c>, "not sent: why", to be sent by a re-run.</summary>
    public static RowResult NotSent(RawRecord record, PersonKind? kind, string email, string? why) => Of(record, kind, email, Delivery.DeliveryResult.NotSent(why));

    /// <summary>A scheduled hire the run's file withdrew: one line, <c>row</c> empty (the person's own row, if any, has its line), <c>cancelled</c>.</summary>
    public static RowResult Cancelled(Plan.Withdrawal withdrawal) =>
        new RowResult(new RawRecord(0, []), withdrawal.Action.Kind, withdrawal.Action.Email, Outcome.Cancelled, withdrawal.Reason, Message: withdrawal.Message)
            .Named(withdrawal.Action.Names()) with
            {
                Journey = withdrawal.Action.Journey,
                JourneyOutcome = withdrawal.Action.IsLaunch ? "not_launched" : null,
            };

    /// <summary>This line with the person's names, when it has none of its own yet (a line of no input row).</summary>
    public RowResult Named((string? First, string? Last) names) =>
        FirstName is null && LastName is null ? this with { FirstName = names.First, LastName = names.Last } : this;

    /// <summary>A dated leaver action the leaver policy held when it was scheduled: a line of its own (<c>row</c> empty); parked until it comes due, judged again then.</summary>
    public static RowResult HeldWhenDue(Plan.DueAction action) =>
        new(new RawRecord(0, []), action.Kind, action.Email, Outcome.Held, TallyfyId: action.TallyfyId,
            Message: $"scheduled {action.Action} due {action.DueLocal} held: {action.HeldReason} (judged again when it comes due)");

    /// <summary>What validation settled for a row (left out by the mapping's filters, or invalid), or <c>null</c> when it did not.</summary>
    public static RowResult? SettledByValidation(ValidatedRow row) =>
        row.FilteredBecause is { } why ? new(row.Record, row.Kind, row.Email, Outcome.Skipped, Outcomes.Filtered, Message: why)
        : !row.IsValid ? new(row.Record, row.Kind, row.Email, Outcome.Invalid, Message: string.Join("; ", row.Errors))
        : null;
}
