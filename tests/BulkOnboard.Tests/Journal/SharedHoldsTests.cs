using BulkOnboard.Journal;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Journal;

/// <summary>The watch service's files side by side share one hold on the journal lock: the first takes it, the last gives it back.</summary>
public class SharedHoldsTests
{
    private JournalFolder _journal = null!;

    [SetUp]
    public void SetUp() => _journal = new JournalFolder();

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [Test]
    public void SharingRuns_TakeTheLockOnce_AndTheLastOneGivesItBack()
    {
        var path = Path.Combine(_journal.Folder, "counted.db");
        var (taken, released) = (0, 0);

        SharedHolds.Enter(path, share: true, () => taken++);
        SharedHolds.Enter(path, share: true, () => taken++);
        SharedHolds.Leave(path, share: true, () => released++);
        Assert.That((taken, released), Is.EqualTo((1, 0)), "one run still holds it");

        SharedHolds.Leave(path, share: true, () => released++);
        Assert.That((taken, released), Is.EqualTo((1, 1)));

        SharedHolds.Enter(path, share: true, () => taken++);
        SharedHolds.Leave(path, share: true, () => released++);
        Assert.That((taken, released), Is.EqualTo((2, 2)), "a new sharing run takes it again");
    }

    [Test]
    public void ARunThatDoesNotShare_TakesAndGivesBackItsOwnLock_EveryTime()
    {
        var path = Path.Combine(_journal.Folder, "alone.db");
        var (taken, released) = (0, 0);

        SharedHolds.Enter(path, share: false, () => taken++);
        SharedHolds.Enter(path, share: false, () => taken++);
        SharedHolds.Leave(path, share: false, () => released++);

        Assert.That((taken, released), Is.EqualTo((2, 1)));
    }

    [Test]
    public void ALockThatCannotBeTaken_LeavesNoHoldBehind()
    {
        var path = Path.Combine(_journal.Folder, "refused.db");

        Assert.Throws<JournalLockedException>(() => SharedHolds.Enter(path, share: true, () => throw new JournalLockedException("held elsewhere")));

        var taken = 0;
        SharedHolds.Enter(path, share: true, () => taken++);
        SharedHolds.Leave(path, share: true, () => { });
        Assert.That(taken, Is.EqualTo(1), "the next sharing run tries to take it itself");
    }

    [Test]
    public async Task TwoSharingRuns_HoldTheJournalTogether_ARunThatDoesNotShareWaitsForBoth()
    {
        var first = _journal.Open("a.csv", share: true);
        var second = _journal.Open("b.csv", share: true);

        Assert.Throws<JournalLockedException>(() => _journal.Open("alone.csv"));
        await first.DisposeAsync();
        Assert.That(_journal.Scalar("SELECT file_name FROM run_lock;"), Is.EqualTo("a.csv"), "the second run still holds it");
        Assert.Throws<JournalLockedException>(() => _journal.Open("alone.csv"));

        await second.DisposeAsync();
        Assert.That(_journal.Scalar("SELECT COUNT(*) FROM run_lock;"), Is.EqualTo(0L));
        await using var alone = _journal.Open("alone.csv");
        Assert.That(alone.RunId, Is.EqualTo(3));
    }
}
