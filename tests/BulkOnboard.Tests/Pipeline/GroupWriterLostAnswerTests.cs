using System.Net;
using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using BulkOnboard.Plan;
using BulkOnboard.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static BulkOnboard.Tests.Pipeline.GroupWriterTests;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>A PUT whose answer was lost (a timeout, a dropped connection) is settled by reading the group back, and judged by what that read shows.</summary>
public class GroupWriterLostAnswerTests
{
    public enum Loss
    {
        Dropped,
        TimedOut,
    }

    private FakeTimeProvider _time = null!;
    private DeliveryHarness _harness = null!;
    private SeenRequests _seen = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
        _putSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // One attempt, so the lost answer is the PUT's last; the timeout is timed on the fake clock.
        _harness = new DeliveryHarness(DeliveryHarness.Fast(o => { o.MaxAttempts = 1; o.Timeout = TimeSpan.FromSeconds(30); }), _time);
        _seen = new SeenRequests(_harness.Http);
    }

    [TearDown]
    public void TearDown() => _harness.Dispose();

    [TestCase(Loss.Dropped)]
    [TestCase(Loss.TimedOut)]
    public async Task ALostPutAnswer_ReadBackHoldingTheListsSent_IsDone(Loss loss)
    {
        _seen.ReplyInTurn(HttpMethod.Get, "groups/g1", (HttpStatusCode.OK, GroupJson([1], [])), (HttpStatusCode.OK, GroupJson([11, 1], [])));
        Lose(loss);

        var failures = await WriteAsync(Add(PersonKind.Member, "ann@x.example"));

        Assert.That(_seen.Lines, Is.EqualTo(new[] { "GET groups/g1?with=users,guests", "PUT groups/g1", "GET groups/g1?with=users,guests" }));
        Assert.That(Body(_seen.All[1]).Members, Is.EqualTo(new long[] { 1, 11 }));
        Assert.That(failures, Is.Empty, "the read back holds the lists sent (in another order): the PUT was applied");
    }

    [TestCase(Loss.Dropped, "The response ended prematurely")]
    [TestCase(Loss.TimedOut, "no response within 30 s")]
    public async Task ALostPutAnswer_ReadBackAsBefore_IsNotDone(Loss loss, string why)
    {
        _seen.Reply(HttpMethod.Get, "groups/g1", HttpStatusCode.OK, GroupJson([1], []));
        Lose(loss);
        var change = Add(PersonKind.Member, "ann@x.example");

        var failures = await WriteAsync(change);

        Assert.That(_seen.Lines, Is.EqualTo(new[] { "GET groups/g1?with=users,guests", "PUT groups/g1", "GET groups/g1?with=users,guests" }), "one PUT, never resent blind");
        Assert.That(failures[change], Does.StartWith("group Team: no answer after 1 attempt(s)").And.Contain(why));
    }

    [Test]
    public async Task ALostPutAnswer_ReadBackWithoutTheLists_IsNotDone()
    {
        _seen.ReplyInTurn(HttpMethod.Get, "groups/g1", (HttpStatusCode.OK, GroupJson([1], [])), (HttpStatusCode.OK, """{"data":{"id":"g1","name":"Team","description":"By hand"}}"""));
        Lose(Loss.Dropped);
        var change = Add(PersonKind.Member, "ann@x.example");

        var failures = await WriteAsync(change);

        Assert.That(_seen.Lines, Has.Count.EqualTo(3));
        Assert.That(failures[change], Does.StartWith("group Team: no answer"), "a read back that does not show the lists cannot say the PUT was applied");
    }

    // Set when the hanging PUT arrives: only then does the clock jump past its timeout.
    private TaskCompletionSource _putSent = null!;

    private void Lose(Loss loss)
    {
        if (loss == Loss.Dropped)
        {
            _seen.Drop(HttpMethod.Put, "groups/g1");
        }
        else
        {
            _seen.Hang(HttpMethod.Put, "groups/g1", _putSent);
        }
    }

    private async Task<Dictionary<PlannedChange, string>> WriteAsync(PlannedChange change)
    {
        using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(35), _time);
        var journal = new JournalProtocol(null, control);
        var write = GroupWriter.WriteAsync([change], MemberIds, [Team], createGroups: false, _harness.Sender, journal, control, rosterFile: null);

        // The pacing waits on the fake clock, which moves a millisecond a step; it jumps past the PUT's
        // timeout once, when the hanging PUT has arrived (never while a request is still on its way).
        var timedOut = false;
        for (var step = 0; step < 5_000 && !write.IsCompleted; step++)
        {
            var jump = !timedOut && _putSent.Task.IsCompleted;
            timedOut |= jump;
            _time.Advance(jump ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(1));
            await Task.Delay(1);
        }

        Assert.That(write.IsCompleted, Is.True, $"the write did not finish; requests: {string.Join(", ", _seen.Lines)}");
        return await write;
    }
}
