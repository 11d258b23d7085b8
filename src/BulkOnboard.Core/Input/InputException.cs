namespace BulkOnboard.Input;

/// <summary>What kind of unreadable input, where a caller decides on it (a fetched source's gates).</summary>
internal enum InputProblem
{
    Other,

    /// <summary>A header row and no data rows.</summary>
    NoDataRows,
}

/// <summary>The input cannot be read at all; the message is one line a user can act on.</summary>
internal sealed class InputException(string message, Exception? inner = null) : Exception(message, inner)
{
    public InputProblem Problem { get; init; }
}
