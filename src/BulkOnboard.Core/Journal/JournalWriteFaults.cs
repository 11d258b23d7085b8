using System.Collections.Concurrent;

namespace BulkOnboard.Journal;

/// <summary>
/// Tests only: a failure to raise inside the journal's writer, as a fault SQLite never reports would (an
/// <see cref="IOException"/>, a bug), keyed by the journal's full path so that tests side by side never meet
/// each other's. Nothing is injected in a real run: the writer's question costs one empty-dictionary look.
/// </summary>
internal static class JournalWriteFaults
{
    private static readonly ConcurrentDictionary<string, Func<Exception?>> Faults = new(StringComparer.Ordinal);

    /// <summary>Until disposed, the writer of the journal at <paramref name="journalPath"/> asks <paramref name="fault"/> before each write and throws what it returns.</summary>
    public static IDisposable Inject(string journalPath, Func<Exception?> fault)
    {
        var key = Path.GetFullPath(journalPath);
        Faults[key] = fault;
        return new Removal(key);
    }

    internal static void RaiseIfInjected(string journalPath)
    {
        if (!Faults.IsEmpty && Faults.TryGetValue(Path.GetFullPath(journalPath), out var fault) && fault() is { } exception)
        {
            throw exception;
        }
    }

    private sealed class Removal(string key) : IDisposable
    {
        public void Dispose() => Faults.TryRemove(key, out _);
    }
}
