namespace BulkOnboard.Journal;

/// <summary>The journal cannot be used (unreadable, corrupt, from a newer version): the run stops before sending, exit 1.</summary>
internal sealed class JournalUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Another run holds the journal: exit 4. The message names the holder.</summary>
internal sealed class JournalLockedException(string message) : Exception(message);
