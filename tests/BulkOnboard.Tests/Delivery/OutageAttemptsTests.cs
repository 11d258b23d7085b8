using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Delivery;

/// <summary>
/// Outages cost no rows: a row whose attempts ran out while every request failed (before the breaker had seen
/// enough to open) met an outage, not its own error; a row failing alone, or while others succeed, did not.
/// </summary>
public class OutageAttemptsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));

    [Test]
    public void ARowWhoseFailuresOthersShared_WithNoAnswerSince_MetAnOutage()
    {
        var gate = new RequestGate(new DeliveryOptions(), _time, NullLogger.Instance);
        var row = new RowAttempts();
        Fail(gate, row);
        Fail(gate, other: null);
        Fail(gate, row);

        Assert.That(gate.IsEveryonesOutage(row), Is.True);
    }

    [Test]
    public void ARowFailingAlone_FailsForItsOwnError()
    {
        var gate = new RequestGate(new DeliveryOptions(), _time, NullLogger.Instance);
        var row = new RowAttempts();
        Fail(gate, row);
        Fail(gate, row);
        Fail(gate, row);

        Assert.That(gate.IsEveryonesOutage(row), Is.False, "nobody else failed: it may be this row's own 500");
    }

    [Test]
    public void ARowFailingWhileAnotherIsAnswered_FailsForItsOwnError()
    {
        var gate = new RequestGate(new DeliveryOptions(), _time, NullLogger.Instance);
        var row = new RowAttempts();
        Fail(gate, row);
        Fail(gate, other: null);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Observe(gate, 201);
        Fail(gate, row);

        Assert.That(gate.IsEveryonesOutage(row), Is.False, "the API answered someone since: the failure is this row's");
    }

    [Test]
    public void ANewRound_StartsCountingAfresh()
    {
        var gate = new RequestGate(new DeliveryOptions(), _time, NullLogger.Instance);
        var row = new RowAttempts();
        Fail(gate, row);
        Fail(gate, other: null);
        row.ForgetOutage();

        Assert.That(gate.IsEveryonesOutage(row), Is.False);
        Assert.That(row.Count, Is.EqualTo(1), "the row's attempts are still reported as made");
    }

    /// <summary>A 503 seen by the gate, for <paramref name="other"/> (a row's, or another request's when null).</summary>
    private void Fail(RequestGate gate, RowAttempts? other)
    {
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var verdict = Observe(gate, 503);
        if (other is not null)
        {
            other.Record(verdict, _time.GetUtcNow());
            other.NoteOutage(gate);
        }
    }

    private static ApiVerdict Observe(RequestGate gate, int status)
    {
        var response = new ApiResponse(status, "", null, default);
        var verdict = ResponseClassifier.Classify(response);
        gate.Observe(default, null, verdict);
        return verdict;
    }
}
