using BulkOnboard.Configuration;
using static BulkOnboard.Tests.Support.BoundOptions;

namespace BulkOnboard.Tests.Configuration;

public class DatesOptionsValidatorTests
{
    private static readonly DatesOptionsValidator Validator = new();

    [Test]
    public void TheDefaults_Pass() => Assert.That(Failures(Validator, "Dates"), Is.Empty);

    [TestCase("Dates:DefaultTimeZone", "Mars/Olympus_Mons")]
    [TestCase("Dates:DefaultTimeZone", "+02:00")]
    [TestCase("Dates:InviteLeadDays", "-1")]
    [TestCase("Dates:InviteLeadDays", "3651")]
    [TestCase("Dates:GuestLeadDays", "-1")]
    [TestCase("Dates:GuestLeadDays", "3651")]
    [TestCase("Dates:PendingInviteAlertDays", "-1")]
    [TestCase("Dates:PendingInviteAlertDays", "3651")]
    [TestCase("Dates:CheckEvery", "00:00:00")]
    [TestCase("Dates:CheckEvery", "-00:15:00")]
    public void ASettingOutOfRange_FailsNamingIt(string key, string value)
    {
        var failures = Failures(Validator, "Dates", $"{key}={value}");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith(Named(key)).And.Contain(value.TrimStart('-')));
    }

    [TestCase("Dates:DefaultTimeZone=Europe/Berlin", "Dates:InviteLeadDays=0", "Dates:GuestLeadDays=3650", "Dates:PendingInviteAlertDays=0")]
    [TestCase("Dates:DefaultTimeZone=W. Europe Standard Time", "Dates:InviteLeadDays=3650", "Dates:CheckEvery=00:00:01")]
    [TestCase("Dates:DefaultTimeZone= ")]
    public void IanaAndWindowsZones_AndTheBoundsThemselves_Pass(params string[] settings) => Assert.That(Failures(Validator, "Dates", settings), Is.Empty);
}
