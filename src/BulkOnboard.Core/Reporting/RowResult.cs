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
    /// The line of a request that was made: what Tallyfy's answer said (<paramref name="delivery"/>), the person's
    /// id when the answer gave none, and <paramref name="message"/> in place of the answer's when given.
    /// </summary>
    public static RowResult Of(RawRecord record, PersonKind? kind, string email, Delivery.DeliveryResult delivery, string? tallyfyId = null, string? message = null) =>
        new(record, kind, email, delivery.Outcome, delivery.Reason, delivery.HttpStatus, delivery.Attempts, delivery.TallyfyId ?? tallyfyId, message ?? delivery.Message)
        {
            RequestId = delivery.RequestId,
        };
}
