using System.Diagnostics;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Journal;

/// <summary>Another process holding the journal file's write lock: a write waits the busy timeout, then fails with the journal's own exception.</summary>
public class JournalBusyTests
{
    /// <summary>The shortest wait the journal can keep: Microsoft.Data.Sqlite counts its retries in whole seconds.</summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromMilliseconds(300);

    private JournalFolder _journal = null!;

    [SetUp]
    public void SetUp() => _journal = new JournalFolder();

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [Test]
    public async Task AWriteWhileAnotherConnectionHoldsTheWriteLock_FailsWithJournalUnavailable_AndTheNextWriteAfterItGoesThrough()
    {
        await using var run = _journal.Open(busyTimeout: BusyTimeout);
        await run.MarkInFlightAsync(PersonKind.Guest, "before@x.example", 2);

        JournalUnavailableException? thrown;
        var waited = Stopwatch.StartNew();
        using (var other = _journal.Connect())
        using (other.BeginTransaction(deferred: false))
        {
            thrown = Assert.ThrowsAsync<JournalUnavailableException>(() => run.MarkInFlightAsync(PersonKind.Guest, "blocked@x.example", 3));
            waited.Stop();
        }

        Assert.That(thrown!.Message, Does.Contain($"the journal {_journal.Path} could not be written").And.Contain("locked"));
        Assert.That(waited.Elapsed, Is.GreaterThanOrEqualTo(BusyTimeout).And.LessThan(TimeSpan.FromSeconds(5)), "waited the busy timeout (rounded up to a second), not the default 10 s");
        Assert.That(run.Find(PersonKind.Guest, "blocked@x.example"), Is.Null, "nothing of the failed commit was written");

        await run.MarkInFlightAsync(PersonKind.Guest, "after@x.example", 4);
        Assert.That(run.Find(PersonKind.Guest, "after@x.example")!.WasInFlight, Is.True, "the writer goes on once the lock is let go");
    }

    [Test]
    public async Task OpeningWhileAnotherConnectionHoldsTheWriteLock_FailsWithJournalUnavailable_NotALockedRun()
    {
        await using (_journal.Open())
        {
        }

        JournalUnavailableException? thrown;
        using (var other = _journal.Connect())
        using (other.BeginTransaction(deferred: false))
        {
            thrown = Assert.Throws<JournalUnavailableException>(() => _journal.Open(busyTimeout: BusyTimeout));
        }

        Assert.That(thrown!.Message, Does.Contain("cannot be used").And.Contain("locked"));
        Assert.That(_journal.Scalar("SELECT COUNT(*) FROM run_lock;"), Is.EqualTo(0L), "the failed start holds no lock");
        Assert.That(_journal.Scalar("SELECT COUNT(*) FROM runs;"), Is.EqualTo(1L), "and started no run");
    }
}
