namespace BulkOnboard.Input.Sources;

/// <summary>
/// A source that was fetched, or reached, but is not trusted: a gate refused it (not a table, header only,
/// cut short, stale, changed shape, far fewer rows, emails missing) or the source refused access. Nothing
/// is sent; exit code 6. The message is one line and never holds a secret or a URL's query string.
/// </summary>
internal sealed class SourceRefusedException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The source as it may be logged (no user info, no query string).</summary>
    public string? SourceName { get; init; }
}
