using BulkOnboard.Delivery;

namespace BulkOnboard.Tests.Delivery;

public class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [TestCase("120", 120)]
    [TestCase(" 5 ", 5)]
    [TestCase("604800", 604800)]
    public void Read_DelaySeconds(string header, double seconds) =>
        Assert.That(RetryAfter.Read(header, Now), Is.EqualTo(((TimeSpan?)TimeSpan.FromSeconds(seconds), (string?)null)));

    [Test]
    public void Read_HttpDate_IsTheTimeUntilThen() =>
        Assert.That(RetryAfter.Parse("Sun, 22 Nov 2026 09:00:30 GMT", Now), Is.EqualTo(TimeSpan.FromSeconds(30)));

    [TestCase("0", "Retry-After: 0 (no wait)")]
    [TestCase("Sun, 22 Nov 2026 08:59:00 GMT", "Retry-After: Sun, 22 Nov 2026 08:59:00 GMT (a date already past)")]
    [TestCase("99999999999999999999", "Retry-After: 99999999999999999999 (not whole seconds or an HTTP date)")]
    [TestCase("604801", "Retry-After: 604801 (more than 7 days)")]
    [TestCase("Fri, 31 Dec 9999 23:59:59 GMT", "Retry-After: Fri, 31 Dec 9999 23:59:59 GMT (more than 7 days)")]
    [TestCase("1.5", "Retry-After: 1.5 (not whole seconds or an HTTP date)")]
    [TestCase("-5", "Retry-After: -5 (not whole seconds or an HTTP date)")]
    [TestCase("soon", "Retry-After: soon (not whole seconds or an HTTP date)")]
    public void Read_NoUsableWait_IsIgnored_SayingWhy(string header, string ignored) =>
        Assert.That(RetryAfter.Read(header, Now), Is.EqualTo(((TimeSpan?)null, ignored)));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void Read_Missing_IsNothing(string? header) => Assert.That(RetryAfter.Read(header, Now), Is.EqualTo(((TimeSpan?)null, (string?)null)));
}
