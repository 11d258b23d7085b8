using BulkOnboard.Configuration;
using static BulkOnboard.Tests.Support.BoundOptions;

namespace BulkOnboard.Tests.Configuration;

public class DeliveryOptionsValidatorTests
{
    private static readonly DeliveryOptionsValidator Validator = new();

    [Test]
    public void TheDefaults_Pass() => Assert.That(Failures(Validator, "Delivery"), Is.Empty);

    [TestCase("Delivery:RequestsPerMinute", "0")]
    [TestCase("Delivery:RequestsPerMinute", "600001")]
    [TestCase("Delivery:MaxConcurrency", "0")]
    [TestCase("Delivery:MaxConcurrency", "257")]
    [TestCase("Delivery:MaxAttempts", "0")]
    [TestCase("Delivery:MaxAttempts", "101")]
    [TestCase("Delivery:Timeout", "00:00:00")]
    [TestCase("Delivery:Timeout", "1.00:00:01")]
    [TestCase("Delivery:GiveUpAfter", "00:00:00")]
    [TestCase("Delivery:GiveUpAfter", "-00:00:01")]
    [TestCase("Delivery:BreakDuration", "00:00:00.499")]
    [TestCase("Delivery:BreakDuration", "1.00:00:01")]
    [TestCase("Delivery:MaxRateLimitWait", "-00:00:01")]
    [TestCase("Delivery:MaxRateLimitWait", "7.00:00:01")]
    [TestCase("Delivery:RetryBaseDelay", "-00:00:01")]
    public void ASettingOutOfRange_FailsNamingIt(string key, string value)
    {
        var failures = Failures(Validator, "Delivery", $"{key}={value}");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith(Named(key)));
    }

    [Test]
    public void ARetryBaseDelayLongerThanTheLongestRetryDelay_FailsNamingBoth()
    {
        var failures = Failures(Validator, "Delivery", "Delivery:RetryBaseDelay=00:03:00", "Delivery:MaxRetryDelay=00:02:00");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith(Named("Delivery:RetryBaseDelay")).And.Contain("Delivery:MaxRetryDelay"));
    }

    [TestCase("Delivery:RequestsPerMinute=1", "Delivery:MaxConcurrency=1", "Delivery:MaxAttempts=1", "Delivery:Timeout=00:00:00.001",
        "Delivery:BreakDuration=00:00:00.5", "Delivery:MaxRateLimitWait=00:00:00", "Delivery:RetryBaseDelay=00:00:00", "Delivery:MaxRetryDelay=00:00:00")]
    [TestCase("Delivery:RequestsPerMinute=600000", "Delivery:MaxConcurrency=256", "Delivery:MaxAttempts=100", "Delivery:Timeout=1.00:00:00",
        "Delivery:BreakDuration=1.00:00:00", "Delivery:MaxRateLimitWait=7.00:00:00", "Delivery:RetryBaseDelay=00:02:00", "Delivery:MaxRetryDelay=00:02:00")]
    public void TheBoundsThemselves_Pass(params string[] settings) => Assert.That(Failures(Validator, "Delivery", settings), Is.Empty);

    [Test]
    public void EveryProblem_IsReportedAtOnce()
    {
        var failures = Failures(Validator, "Delivery", "Delivery:RequestsPerMinute=0", "Delivery:MaxAttempts=0", "Delivery:GiveUpAfter=00:00:00");

        Assert.That(failures.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]),
            Is.EqualTo(new[] { "Delivery:RequestsPerMinute", "Delivery:MaxAttempts", "Delivery:GiveUpAfter" }));
    }
}
