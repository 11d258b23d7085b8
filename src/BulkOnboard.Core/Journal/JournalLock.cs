using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Journal;

/// <summary>
/// One run at a time per journal: a row in <c>run_lock</c> names the holder (host, PID, and who that
/// process is: on Linux its <see cref="ProcessIdentity"/>, boot id and start in ticks since boot, which no
/// clock step moves; elsewhere, and in locks older versions wrote, its start time). A holder on this host
/// whose process is gone, or whose PID now belongs to another process, left the lock behind by crashing:
/// it is taken over, and the log says so. Nothing else is: a holder that may be alive keeps the lock.
/// </summary>
internal static class JournalLock
{
    public static void Acquire(SqliteConnection connection, string fileName, TimeProvider timeProvider, ILogger logger)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT host, pid, process_started_at, locked_at, file_name FROM run_lock WHERE id = 1;";
            using var reader = read.ExecuteReader();
            if (reader.Read())
            {
                var (host, pid, started, lockedAt, file) = (reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
                if (IsAlive(host, pid, started))
                {
                    throw new JournalLockedException(
                        $"another run holds the journal: PID {pid} on {host}, started {lockedAt}{(file is null ? string.Empty : $", importing {file}")}; wait for it to finish");
                }

                logger.LogWarning("Recovered the journal lock left by PID {Pid} on {Host} (started {LockedAt}), which is no longer running", pid, host, lockedAt);
            }
        }

        using var write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = "INSERT OR REPLACE INTO run_lock (id, host, pid, process_started_at, locked_at, file_name) VALUES (1, $host, $pid, $started, $now, $file);";
        write.Parameters.AddWithValue("$host", Environment.MachineName);
        write.Parameters.AddWithValue("$pid", Environment.ProcessId);
        write.Parameters.AddWithValue("$started", ProcessIdentity.Of(Environment.ProcessId) ?? ProcessStart(Process.GetCurrentProcess()));
        write.Parameters.AddWithValue("$now", timeProvider.GetLocalNow().ToString("O", CultureInfo.InvariantCulture));
        write.Parameters.AddWithValue("$file", fileName);
        write.ExecuteNonQuery();
        transaction.Commit();
    }

    public static void Release(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM run_lock WHERE id = 1 AND host = $host AND pid = $pid;";
        command.Parameters.AddWithValue("$host", Environment.MachineName);
        command.Parameters.AddWithValue("$pid", Environment.ProcessId);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// For a lock that holds a start time (not Linux, or written by an older version): how far the start
    /// time .NET reports for one process may drift between readings. Linux derives it
    /// from the boot time, itself computed from the clock and the uptime at each reading, so two readings
    /// differ by milliseconds (and older journals stored it truncated to the second). A PID whose start is
    /// further off than this belongs to another process.
    /// </summary>
    public static readonly TimeSpan StartTolerance = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether the holder may still be running: only a holder that is provably gone (no process with its
    /// PID, or a process whose start time is not the holder's) is not. A holder on another machine, or one
    /// whose start cannot be read, is taken to be alive.
    /// </summary>
    internal static bool IsAlive(string host, int pid, string? processStartedAt)
    {
        if (!string.Equals(host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return true; // another machine's process cannot be checked from here
        }

        if (processStartedAt?.StartsWith(ProcessIdentity.LinuxPrefix, StringComparison.Ordinal) == true)
        {
            return ProcessIdentity.MayBe(processStartedAt, pid);
        }

        Process process;
        try
        {
            process = Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return false; // no process with that PID
        }

        using (process)
        {
            DateTime started;
            try
            {
                started = process.StartTime.ToUniversalTime();
            }
            catch (InvalidOperationException)
            {
                return false; // it exited
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or NotSupportedException)
            {
                return true; // not ours to inspect: not provably gone
            }

            return processStartedAt is null || IsSameStart(processStartedAt, started);
        }
    }

    /// <summary>Whether a stored start time (any precision) and a process's start are the same process's, within <see cref="StartTolerance"/>.</summary>
    internal static bool IsSameStart(string stored, DateTime startedUtc) =>
        !DateTime.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var holder)
        || (holder - startedUtc).Duration() <= StartTolerance;

    /// <summary>The start time to store: full precision, UTC, round-trip format.</summary>
    internal static string ProcessStart(Process process) =>
        process.StartTime.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
