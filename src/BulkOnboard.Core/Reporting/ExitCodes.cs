namespace BulkOnboard.Reporting;

/// <summary>The process exit codes of PRODUCT.md.</summary>
internal static class ExitCodes
{
    /// <summary>Every row created, invited, updated or skipped (or valid, for <c>validate</c>).</summary>
    public const int Success = 0;

    /// <summary>Nothing was sent: bad arguments, configuration, or unreadable input.</summary>
    public const int NothingSent = 1;

    /// <summary>The run finished, but some rows are invalid or failed.</summary>
    public const int RowsNeedAttention = 2;

    /// <summary>The run stopped midway (auth failure, shutdown); <c>not_attempted</c> rows remain.</summary>
    public const int Aborted = 3;

    /// <summary>Another run holds the journal lock.</summary>
    public const int JournalLocked = 4;

    /// <summary><c>sync</c>: everything else was applied, but leaver actions were held by a safety guard.</summary>
    public const int LeaversHeld = 5;

    /// <summary>A source was refused by a gate (empty, truncated, stale, not a table, changed shape, far fewer rows, refused access): nothing was sent.</summary>
    public const int SourceRefused = 6;

    /// <summary>
    /// Most severe first, for a command that runs several files (<c>watch --once</c>): a file not processed at
    /// all (1, 6), then one stopped midway (3), one that could not start (4), held leavers (5), rows to fix (2).
    /// Not by number: another file's 2 must never hide an unreadable file's 1.
    /// </summary>
    private static readonly int[] Severity = [NothingSent, SourceRefused, Aborted, JournalLocked, LeaversHeld, RowsNeedAttention, Success];

    /// <summary>The more severe of two exit codes (<see cref="Severity"/>); an unknown code counts as most severe.</summary>
    public static int MoreSevere(int a, int b)
    {
        var rankA = Array.IndexOf(Severity, a);
        var rankB = Array.IndexOf(Severity, b);
        return rankA < 0 ? a : rankB < 0 ? b : rankA <= rankB ? a : b;
    }
}
