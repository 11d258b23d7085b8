using BulkOnboard.Delivery;

namespace BulkOnboard.Tests.Delivery;

public class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [TestCase("120", 120)]
    [TestCase(" 5 ", 5)]
    [TestCase("0", 0)]
    [TestCase("1.5", 1.5)]
    public void Parse_DelaySeconds(string header, double seconds) =>
        Assert.That(RetryAfter.Parse(header, Now), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [Test]
    public void Parse_HttpDate_IsTheTimeUntilThen() =>
        Assert.That(RetryAfter.Parse("Sun, 22 Nov 2026 09:00:30 GMT", Now), Is.EqualTo(TimeSpan.FromSeconds(30)));

    [Test]
    public void Parse_HttpDateInThePast_IsZero() =>
        Assert.That(RetryAfter.Parse("Sun, 22 Nov 2026 08:59:00 GMT", Now), Is.EqualTo(TimeSpan.Zero));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("soon")]
    [TestCase("-5")]
    public void Parse_MissingOrUnreadable_IsNull(string? header) => Assert.That(RetryAfter.Parse(header, Now), Is.Null);
}
