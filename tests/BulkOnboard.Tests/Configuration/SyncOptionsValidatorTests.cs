using BulkOnboard.Configuration;
using static BulkOnboard.Tests.Support.BoundOptions;

namespace BulkOnboard.Tests.Configuration;

public class SyncOptionsValidatorTests
{
    private static readonly SyncOptionsValidator Validator = new();

    [Test]
    public void TheDefaults_Pass() => Assert.That(Failures(Validator, "Sync"), Is.Empty);

    [TestCase("Sync:MaxLeavers", "-1")]
    [TestCase("Sync:MaxLeaversPercent", "-0.5")]
    [TestCase("Sync:MaxLeaversPercent", "100.5")]
    [TestCase("Sync:MinRosterPercent", "-1")]
    [TestCase("Sync:MinRosterPercent", "101")]
    [TestCase("Sync:LeaverGraceRuns", "0")]
    [TestCase("Sync:LeaverGracePeriod", "-00:00:01")]
    [TestCase("Sync:RosterBaselineWindow", "00:00:00")]
    [TestCase("Sync:RosterBaselineWindow", "-1.00:00:00")]
    [TestCase("Sync:PlanMaxAge", "00:00:00")]
    [TestCase("Sync:PlanMaxAge", "-01:00:00")]
    public void ASettingOutOfRange_FailsNamingIt(string key, string value)
    {
        var failures = Failures(Validator, "Sync", $"{key}={value}");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith(Named(key)));
    }

    [TestCase("Sync:MaxLeavers=0", "Sync:MaxLeaversPercent=0", "Sync:MinRosterPercent=0", "Sync:LeaverGraceRuns=1", "Sync:LeaverGracePeriod=00:00:00")]
    [TestCase("Sync:MaxLeaversPercent=100", "Sync:MinRosterPercent=100", "Sync:RosterBaselineWindow=00:00:01", "Sync:PlanMaxAge=00:00:01")]
    public void TheBoundsThemselves_Pass(params string[] settings) => Assert.That(Failures(Validator, "Sync", settings), Is.Empty);

    [Test]
    public void LeaverGraceRunsOfZero_SaysWhatOneMeans() =>
        Assert.That(Failures(Validator, "Sync", "Sync:LeaverGraceRuns=0").Single(), Does.Contain("is 0").And.Contain("1 means a leaver goes the first time it is missing"));
}
