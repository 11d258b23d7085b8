using System.Diagnostics;
using System.Globalization;
using BulkOnboard.Journal;

namespace BulkOnboard.Tests.Journal;

public class JournalLockTests
{
    [Test]
    public void IsSameStart_ReadingsAFewMillisecondsApart_AcrossASecondBoundary_AreTheSameProcess()
    {
        var boundary = new DateTime(2026, 12, 4, 9, 0, 6, DateTimeKind.Utc);
        for (var offsetMs = -50; offsetMs <= 50; offsetMs++)
        {
            var started = boundary.AddMilliseconds(offsetMs);
            for (var jitterMs = -10; jitterMs <= 10; jitterMs += 5)
            {
                var asTheHolderReadIt = started.AddMilliseconds(jitterMs);
                var full = asTheHolderReadIt.ToString("O", CultureInfo.InvariantCulture);
                var truncated = asTheHolderReadIt.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

                Assert.That(JournalLock.IsSameStart(full, started), Is.True, $"start {offsetMs} ms from the boundary, read {jitterMs} ms off");
                Assert.That(JournalLock.IsSameStart(truncated, started), Is.True, $"an older journal's value, {offsetMs} ms / {jitterMs} ms");
            }
        }
    }

    [Test]
    public void IsSameStart_AnotherProcessOnTheSamePid_IsNot()
    {
        var started = new DateTime(2026, 12, 4, 9, 0, 6, DateTimeKind.Utc);

        Assert.That(JournalLock.IsSameStart(started.AddSeconds(-3).ToString("O", CultureInfo.InvariantCulture), started), Is.False);
        Assert.That(JournalLock.IsSameStart(started.AddHours(5).ToString("O", CultureInfo.InvariantCulture), started), Is.False);
    }

    [Test]
    public void IsAlive_HoldersStartedAroundASecondBoundary_AreAliveWhileTheyRun_AndGoneOnceTheyExit()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("uses /bin/sleep");
        }

        // Start the holders across the next second boundary, ~8 ms apart (waits at most one second, once).
        var next = DateTime.UtcNow.AddSeconds(1);
        var boundary = new DateTime(next.Year, next.Month, next.Day, next.Hour, next.Minute, next.Second, DateTimeKind.Utc);
        while (DateTime.UtcNow < boundary.AddMilliseconds(-60))
        {
            Thread.Sleep(5);
        }

        var holders = new List<(Process Process, string Stored)>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var child = Process.Start(new ProcessStartInfo("/bin/sleep", "30") { UseShellExecute = false })!;

                // What the holder wrote: its start time as read by itself (another Process object, another reading).
                using var self = Process.GetProcessById(child.Id);
                holders.Add((child, JournalLock.ProcessStart(self)));
                Thread.Sleep(8);
            }

            foreach (var (process, stored) in holders)
            {
                for (var reading = 0; reading < 5; reading++)
                {
                    Assert.That(JournalLock.IsAlive(Environment.MachineName, process.Id, stored), Is.True, $"PID {process.Id} started {stored}");
                }
            }

            var (first, firstStored) = holders[0];
            first.Kill();
            first.WaitForExit();
            Assert.That(JournalLock.IsAlive(Environment.MachineName, first.Id, firstStored), Is.False, "a holder that exited is gone");
        }
        finally
        {
            foreach (var (process, _) in holders)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                process.Dispose();
            }
        }
    }

    [Test]
    public void IsAlive_TheCurrentProcess_WithItsStoredStart_IsAlive()
    {
        using var self = Process.GetCurrentProcess();

        Assert.That(JournalLock.IsAlive(Environment.MachineName, Environment.ProcessId, JournalLock.ProcessStart(self)), Is.True);
        Assert.That(JournalLock.IsAlive("another-host", 999_999, "2020-01-01T00:00:00"), Is.True, "another machine's holder cannot be checked: not provably gone");
    }
}
