namespace BulkOnboard.Input;

/// <summary>What kind of unreadable input, where a caller decides on it (a fetched source's gates).</summary>
internal enum InputProblem
{
    Other,

    /// <summary>A header row and no data rows.</summary>
    NoDataRows,
}

/// <summary>The input cannot be read at all; the message is one line a user can act on.</summary>
/// <param name="retryLater">Not the input's fault: what it needs (the API) is unavailable now; the same input may go through later.</param>
internal class InputException(string message, Exception? inner = null, bool retryLater = false) : Exception(message, inner)
{
    /// <summary>Whether the same input may go through later (the watch service keeps it to retry instead of filing it as failed).</summary>
    public bool RetryLater { get; } = retryLater;

    public InputProblem Problem { get; init; }
}
