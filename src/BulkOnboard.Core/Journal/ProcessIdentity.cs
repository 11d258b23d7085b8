using System.Globalization;

namespace BulkOnboard.Journal;

/// <summary>
/// Who a process is, in terms no clock step can move: on Linux, the boot's id
/// (<c>/proc/sys/kernel/random/boot_id</c>) and the process's start in clock ticks since boot (field 22 of
/// <c>/proc/PID/stat</c>), written <c>linux:BOOT:TICKS</c>. .NET's <c>Process.StartTime</c> is the boot time
/// worked out from the wall clock at each reading, so an NTP step or a VM resume of 2 s or more made a live
/// holder of the journal lock look like another process, and its lock was taken.
/// </summary>
internal static class ProcessIdentity
{
    public const string LinuxPrefix = "linux:";

    /// <summary>The identity of process <paramref name="pid"/>; <c>null</c> when there is no such process or /proc cannot tell (not Linux).</summary>
    public static string? Of(int pid) =>
        BootId() is { } boot && StartTicks(pid) is { } ticks ? $"{LinuxPrefix}{boot}:{ticks.ToString(CultureInfo.InvariantCulture)}" : null;

    /// <summary>This boot's id; <c>null</c> off Linux.</summary>
    public static string? BootId() => Read("/proc/sys/kernel/random/boot_id")?.Trim();

    /// <summary>
    /// Whether the process that wrote <paramref name="stored"/> (a <c>linux:</c> identity) may still be
    /// running as <paramref name="pid"/>: not when this machine has booted since, not when no process has
    /// that PID, not when the process with that PID started at another tick.
    /// </summary>
    public static bool MayBe(string stored, int pid)
    {
        var parts = stored.Split(':');
        if (!OperatingSystem.IsLinux() || parts.Length != 3 || BootId() is not { } boot)
        {
            return true; // cannot be checked from here: not provably gone
        }

        return parts[1] == boot && Of(pid) == stored;
    }

    /// <summary>Field 22 of <c>/proc/PID/stat</c>: the start in clock ticks since boot. The name (field 2) may hold spaces and parentheses, so fields are counted from its closing one.</summary>
    private static long? StartTicks(int pid)
    {
        var stat = Read($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var close = stat?.LastIndexOf(')') ?? -1;
        if (close < 0)
        {
            return null;
        }

        var fields = stat![(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
    }

    private static string? Read(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // no such process (it exited), or /proc is not mounted
        }
    }
}
