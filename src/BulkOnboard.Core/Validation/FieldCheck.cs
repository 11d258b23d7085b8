namespace BulkOnboard.Validation;

/// <summary>
/// One check of a field: what must hold, and what the user is told when it does not (a FluentValidation
/// message template, or a function of the value when the message needs more than the template offers).
/// </summary>
internal sealed record FieldCheck(Func<string?, bool> Passes, string Message, Func<string?, string>? DescribeFailure = null);
