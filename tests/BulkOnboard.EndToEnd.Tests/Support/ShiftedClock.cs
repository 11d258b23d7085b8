namespace BulkOnboard.EndToEnd.Tests.Support;

/// <summary>
/// The clock a CLI run sees, moved on by the test (a hire's start date comes in a moment, not a month): the
/// date is the real one plus the shift; delays and timers keep real time, so requests are paced as ever.
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private TimeSpan _shift;

    public void Advance(TimeSpan by) => _shift += by;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _shift;
}
