namespace BulkOnboard.Journal;

/// <summary>
/// The journal locks this process holds on behalf of runs that share them (<c>shareWithinProcess</c>):
/// the first such run takes the lock, the last one gives it back.
/// </summary>
internal static class SharedHolds
{
    private static readonly Dictionary<string, int> Holders = new(StringComparer.Ordinal);
    private static readonly Lock Guard = new();

    /// <summary>
    /// A run starts: it joins the hold another sharing run of this process has, or takes the lock with
    /// <paramref name="acquire"/> (under the same guard, so two sharing runs starting at once take it once).
    /// </summary>
    public static void Enter(string path, bool share, Action acquire)
    {
        if (!share)
        {
            acquire();
            return;
        }

        lock (Guard)
        {
            if (Holders.TryGetValue(path, out var count) && count > 0)
            {
                Holders[path] = count + 1;
                return;
            }

            acquire();
            Holders[path] = 1;
        }
    }

    /// <summary>
    /// A run is over: the last holder gives the lock back with <paramref name="release"/>, under the same guard
    /// (a sharing run starting meanwhile must not find the lock still held by this process).
    /// </summary>
    public static void Leave(string path, bool share, Action release)
    {
        if (!share)
        {
            release();
            return;
        }

        lock (Guard)
        {
            var count = Holders.GetValueOrDefault(path) - 1;
            if (count > 0)
            {
                Holders[path] = count;
                return;
            }

            Holders.Remove(path);
            release();
        }
    }
}
