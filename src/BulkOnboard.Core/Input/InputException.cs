namespace BulkOnboard.Input;

/// <summary>The input cannot be read at all; the message is one line a user can act on.</summary>
internal sealed class InputException(string message, Exception? inner = null) : Exception(message, inner);
