using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Journal;

/// <summary>A failure inside the journal's writer that SQLite never reports (an IOException, a bug): every waiter fails at once, none waits forever.</summary>
public class JournalWriterFaultTests
{
    /// <summary>A guard, not a wait: a writer that hangs fails the test here instead of hanging the suite.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);

    private JournalFolder _journal = null!;

    [SetUp]
    public void SetUp() => _journal = new JournalFolder();

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [Test]
    public async Task AWriteThatThrowsAnIOException_FailsItsCaller_AndEveryWriteAskedForLater_EvenOnceTheFaultIsGone()
    {
        await using var run = _journal.Open();
        await run.MarkInFlightAsync(PersonKind.Guest, "before@x.example", 2);

        JournalUnavailableException? first;
        using (JournalWriteFaults.Inject(_journal.Path, () => new IOException("the disk went away")))
        {
            first = Assert.ThrowsAsync<JournalUnavailableException>(() => run.MarkInFlightAsync(PersonKind.Guest, "ann@x.example", 3).WaitAsync(Hang));
        }

        var later = Assert.ThrowsAsync<JournalUnavailableException>(() => run.RecordAsync(PersonKind.Guest, "before@x.example", 2, "created", null, "g1", maybeApplied: false).WaitAsync(Hang));

        Assert.That(first!.Message, Does.Contain($"the journal {_journal.Path} could not be written (IOException: the disk went away)"));
        Assert.That(first.InnerException, Is.InstanceOf<IOException>());
        Assert.That(later!.Message, Is.EqualTo(first.Message), "the writer stopped for good: a later write says why, at once");
        Assert.That(run.Find(PersonKind.Guest, "ann@x.example"), Is.Null, "nothing of the failed commit was written");
        Assert.That(run.Find(PersonKind.Guest, "before@x.example")!.WasInFlight, Is.True, "what was committed before stays");
        await run.FinishAsync(new RunTotals(1, 0, 0, 0, 0, 0, 0, 1, 1, 3)).WaitAsync(Hang);
    }

    [Test]
    public async Task EveryWriteQueuedBehindTheOneThatThrows_Fails_NoneHangs()
    {
        await using var run = _journal.Open();
        var writes = 0;
        using var fault = JournalWriteFaults.Inject(_journal.Path, () => Interlocked.Increment(ref writes) == 40 ? new InvalidCastException("a bug") : null);

        var marks = Enumerable.Range(0, 200).Select(i => Task.Run(() => run.MarkInFlightAsync(PersonKind.Member, $"p{i}@x.example", i + 2))).ToList();
        var settled = await Task.WhenAll(marks.Select(async m =>
        {
            try
            {
                await m.WaitAsync(Hang);
                return "committed";
            }
            catch (JournalUnavailableException)
            {
                return "failed";
            }
        }));

        Assert.That(settled, Does.Contain("failed"));
        Assert.That(settled.Count(s => s == "committed"), Is.LessThan(40), "no write commits after the one that threw");
    }
}
