using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Validation;

public class TimeZoneNamesTests
{
    [Test]
    public void Canonicalize_AcceptsEveryNameOfTheCorpusAcceptList()
    {
        var names = File.ReadAllLines(Path.Combine(TestFiles.Corpora, "timezones-iana", "derived", "all-valid-names.txt")).Where(l => l.Length > 0).ToList();

        Assert.That(names, Has.Count.GreaterThan(500));
        Assert.That(names.Where(n => TimeZoneNames.Canonicalize(n) != n), Is.Empty);
    }

    [TestCase("europe/paris", "Europe/Paris")]
    [TestCase(" America/New_York ", "America/New_York")]
    [TestCase("utc", "UTC")]
    public void Canonicalize_IgnoresCaseAndSpaces(string input, string expected) =>
        Assert.That(TimeZoneNames.Canonicalize(input), Is.EqualTo(expected));

    [TestCase("Pacific Standard Time", "America/Los_Angeles")]
    [TestCase("W. Europe Standard Time", "Europe/Berlin")]
    [TestCase("india standard time", "Asia/Calcutta")]
    public void Canonicalize_AWindowsName_GivesTheIanaZoneCldrMapsItTo(string input, string expected) =>
        Assert.That(TimeZoneNames.Canonicalize(input), Is.EqualTo(expected));

    [TestCase("Mars/Olympus_Mons")]
    [TestCase("Pacific Standard Tme")]
    [TestCase("GMT+1")]
    [TestCase("Europe/Paris ; Europe/Berlin")]
    public void Canonicalize_NonIanaNames_AreNull(string input) => Assert.That(TimeZoneNames.Canonicalize(input), Is.Null);
}
