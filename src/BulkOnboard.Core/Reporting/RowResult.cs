using BulkOnboard.Input;

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
}
