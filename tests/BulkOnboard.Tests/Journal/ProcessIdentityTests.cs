using System.Diagnostics;
using System.Globalization;
using BulkOnboard.Journal;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Journal;

/// <summary>
/// The journal lock proves its holder by boot id and start ticks since boot (Linux), which a step of the
/// wall clock cannot move: a live run's lock was taken when the clock stepped 2 s or more, because
/// <c>Process.StartTime</c> moves with it.
/// </summary>
public class ProcessIdentityTests
{
    private Process _holder = null!;

    [SetUp]
    public void SetUp()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("the identity comes from /proc");
        }

        _holder = Process.Start(new ProcessStartInfo("/bin/sleep", "30") { UseShellExecute = false })!;
    }

    [TearDown]
    public void TearDown()
    {
        if (_holder is { HasExited: false })
        {
            _holder.Kill();
        }

        _holder?.Dispose();
    }

    [Test]
    public void Of_ALiveProcess_IsTheBootIdAndItsStartInTicksSinceBoot_TheSameAtEveryReading()
    {
        var stat = File.ReadAllText($"/proc/{_holder.Id}/stat");
        var ticks = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        var boot = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();

        var readings = Enumerable.Range(0, 5).Select(_ => ProcessIdentity.Of(_holder.Id)).ToList();

        Assert.That(readings, Is.All.EqualTo($"linux:{boot}:{ticks}"), "no wall-clock time in it, nothing a clock step moves");
    }

    [Test]
    public void IsAlive_AfterTheWallClockStepped_TheHolderIsStillAlive()
    {
        var stored = ProcessIdentity.Of(_holder.Id)!;
        using var self = Process.GetProcessById(_holder.Id);
        var started = self.StartTime.ToUniversalTime();

        // What Process.StartTime reads once the wall clock has stepped 3 s (it is the boot time worked out from the clock):
        // the start time the old lock compared no longer matched, and the live holder's lock was taken.
        Assert.That(JournalLock.IsSameStart(started.ToString("O", CultureInfo.InvariantCulture), started.AddSeconds(3)), Is.False, "the start time moves with the clock");
        Assert.That(JournalLock.IsAlive(Environment.MachineName, _holder.Id, stored), Is.True, "the identity does not");
    }

    [Test]
    public void IsAlive_AHolderThatExited_IsGone_AndItsLockIsTakenOver()
    {
        var stored = ProcessIdentity.Of(_holder.Id)!;

        _holder.Kill();
        _holder.WaitForExit();

        Assert.That(JournalLock.IsAlive(Environment.MachineName, _holder.Id, stored), Is.False);
    }

    [Test]
    public void IsAlive_ThePidNowAnotherProcess_OrTheMachineRebooted_IsGone()
    {
        var stored = ProcessIdentity.Of(_holder.Id)!;
        var parts = stored.Split(':');
        var otherStart = $"{parts[0]}:{parts[1]}:{long.Parse(parts[2], CultureInfo.InvariantCulture) - 100}";
        var otherBoot = $"{parts[0]}:00000000-0000-0000-0000-000000000000:{parts[2]}";

        Assert.That(JournalLock.IsAlive(Environment.MachineName, _holder.Id, otherStart), Is.False, "same PID, another start: another process");
        Assert.That(JournalLock.IsAlive(Environment.MachineName, _holder.Id, otherBoot), Is.False, "written before this boot");
        Assert.That(JournalLock.IsAlive("another-host", _holder.Id, otherStart), Is.True, "another machine's holder cannot be checked: not provably gone");
    }

    [Test]
    public async Task ARun_WritesItsIdentity_AndASecondRunIsRefused()
    {
        using var folder = new JournalFolder();
        await using var run = folder.Open();

        Assert.That(folder.Scalar("SELECT process_started_at FROM run_lock"), Is.EqualTo(ProcessIdentity.Of(Environment.ProcessId)));
        Assert.That(() => folder.Open("other.csv"), Throws.TypeOf<JournalLockedException>());
    }
}
