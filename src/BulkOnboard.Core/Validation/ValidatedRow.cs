using BulkOnboard.Input;

namespace BulkOnboard.Validation;

/// <summary>What local validation concluded about one input row.</summary>
/// <param name="DuplicateOfRow">The earlier row with the same email and kind, when this row repeats one.</param>
internal sealed record ValidatedRow(RawRecord Record, PersonKind? Kind, string Email, PersonPayload? Payload, IReadOnlyList<string> Errors, int? DuplicateOfRow)
{
    public int RowNumber => Record.RowNumber;

    public bool IsValid => Payload is not null;

    /// <summary>Valid and not a repeat of an earlier row: this row would be sent.</summary>
    public bool IsSendable => Payload is not null && DuplicateOfRow is null;

    /// <summary>The groups the row names (its <c>groups</c> column), or <c>null</c> when the file has no such column.</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>The row's manager (normalized email), when the file has a manager column and the cell is not empty.</summary>
    public string? Manager { get; init; }

    /// <summary>The row's HR key (<c>employee_id</c>), trimmed; <c>null</c> when the roster has none for it.</summary>
    public string? EmployeeId { get; init; }

    /// <summary>The file has a manager column and this row's cell holds no email (empty, or a name): the row says the person has no manager to remember.</summary>
    public bool NamesNoManager { get; init; }

    /// <summary>The row's start and end dates in the person's time zone, when it has either.</summary>
    public PersonDates? Dates { get; init; }

    /// <summary>Why the mapping file's filters leave this row out (it is reported skipped/filtered), or <c>null</c>.</summary>
    public string? FilteredBecause { get; init; }
}
