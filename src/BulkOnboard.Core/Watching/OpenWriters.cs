using System.Globalization;

namespace BulkOnboard.Watching;

/// <summary>
/// Which files some process holds open for writing. On Linux an exclusive open does not see another
/// writer (locks there are advisory), so a writer that pauses longer than the settle time with the file
/// open looked done: each <c>/proc/PID/fd</c> link naming the file is read, and its
/// <c>/proc/PID/fdinfo</c> flags say whether it was opened for writing (<c>O_WRONLY</c> or <c>O_RDWR</c>).
/// Processes of other users cannot be seen unless the service runs as root; elsewhere (Windows) the
/// exclusive open in <see cref="InboxScanner"/> is the check, since there a writer's share mode refuses it.
/// </summary>
internal static class OpenWriters
{
    /// <summary>Of <paramref name="paths"/> (full paths), those open for writing by any process this one can see.</summary>
    public static IReadOnlySet<string> Among(IReadOnlyCollection<string> paths)
    {
        var open = new HashSet<string>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux() || paths.Count == 0 || !Directory.Exists("/proc"))
        {
            return open;
        }

        var wanted = new HashSet<string>(paths, StringComparer.Ordinal);
        foreach (var process in Safe(() => Directory.EnumerateDirectories("/proc")))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            foreach (var descriptor in Safe(() => Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd"))))
            {
                if (Target(descriptor) is { } target && wanted.Contains(target) && ForWriting(process, Path.GetFileName(descriptor)))
                {
                    open.Add(target);
                }
            }
        }

        return open;
    }

    private static string? Target(string descriptor)
    {
        try
        {
            return new FileInfo(descriptor).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // closed meanwhile
        }
    }

    /// <summary>The descriptor's access mode, from the octal <c>flags:</c> line of its fdinfo: 1 write-only, 2 read-write.</summary>
    private static bool ForWriting(string process, string descriptor)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(process, "fdinfo", descriptor)))
            {
                if (line.StartsWith("flags:", StringComparison.Ordinal))
                {
                    var flags = Convert.ToInt32(line["flags:".Length..].Trim(), 8);
                    return (flags & 3) is 1 or 2;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Closed meanwhile, or unreadable: not known to be a writer.
        }

        return false;
    }

    /// <summary>A listing of a process's folder, which may vanish (the process exited) or be another user's.</summary>
    private static IEnumerable<string> Safe(Func<IEnumerable<string>> list)
    {
        try
        {
            return list().ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
