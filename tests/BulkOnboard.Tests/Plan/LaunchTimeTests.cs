using BulkOnboard.Plan;
using BulkOnboard.Validation;
using NodaTime;

namespace BulkOnboard.Tests.Plan;

public class LaunchTimeTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    [TestCase("now", null)]
    [TestCase("start_date", 0)]
    [TestCase("start_date+3d", 3)]
    [TestCase("START_DATE-5d", -5)]
    public void Parse_ReadsTheForms(string text, int? days) => Assert.That(LaunchTime.Parse(text, "Launch").DaysFromStart, Is.EqualTo(days));

    [Test]
    public void Parse_AnUnknownForm_IsAJourneyErrorNamingTheSetting() =>
        Assert.That(() => LaunchTime.Parse("tomorrow", "journey 'x': Launch"), Throws.TypeOf<JourneyException>().With.Message.EqualTo("journey 'x': Launch must be now or start_date±Nd (is 'tomorrow')"));

    /// <summary>
    /// Berlin changes to summer time on 29 March 2026 (UTC+1 → +2), New York on 8 March (−5 → −4): 09:00 local
    /// either side of the change is a different UTC hour.
    /// </summary>
    [TestCase("Europe/Berlin", "2026-03-31", -3, "2026-03-28T08:00:00Z", "2026-03-28 09:00 Europe/Berlin")]
    [TestCase("Europe/Berlin", "2026-03-31", -1, "2026-03-30T07:00:00Z", "2026-03-30 09:00 Europe/Berlin")]
    [TestCase("Europe/Berlin", "2026-03-29", 0, "2026-03-29T07:00:00Z", "2026-03-29 09:00 Europe/Berlin")]
    [TestCase("America/New_York", "2026-03-06", 3, "2026-03-09T13:00:00Z", "2026-03-09 09:00 America/New_York")]
    [TestCase("America/New_York", "2026-03-10", -3, "2026-03-07T14:00:00Z", "2026-03-07 09:00 America/New_York")]
    [TestCase("America/New_York", "2026-11-02", -2, "2026-10-31T13:00:00Z", "2026-10-31 09:00 America/New_York")]
    public void ADatedLaunch_Is0900LocalOnTheDay_AcrossDstChanges(string zone, string start, int days, string utc, string described)
    {
        var dates = new PersonDates(NodaTime.Text.LocalDatePattern.Iso.Parse(start).Value, null, DateTimeZoneProviders.Tzdb[zone]);

        var at = new LaunchTime(days).For(dates);

        Assert.That(at, Is.EqualTo(NodaTime.Text.InstantPattern.General.Parse(utc).Value));
        Assert.That(dates.Describe(at!.Value), Is.EqualTo(described));
    }

    [Test]
    public void TheSameDayInTwoZones_IsTwoInstants()
    {
        var start = new LocalDate(2026, 12, 8);

        var berlin = new LaunchTime(0).For(new PersonDates(start, null, Berlin));
        var newYork = new LaunchTime(0).For(new PersonDates(start, null, NewYork));

        Assert.That(newYork - berlin, Is.EqualTo(Duration.FromHours(6)));
    }

    [Test]
    public void Now_OrNoStartDate_HasNoInstant()
    {
        Assert.That(LaunchTime.Now.For(new PersonDates(new LocalDate(2026, 12, 8), null, Berlin)), Is.Null);
        Assert.That(new LaunchTime(-5).For(null), Is.Null, "no dates: launched now");
        Assert.That(new LaunchTime(-5).For(new PersonDates(null, new LocalDate(2027, 1, 1), Berlin)), Is.Null, "an end date alone: launched now");
    }

    [TestCase(null, "now")]
    [TestCase(0, "start_date")]
    [TestCase(2, "start_date+2d")]
    [TestCase(-5, "start_date-5d")]
    public void ToString_WritesTheSettingsForm(int? days, string text) => Assert.That(new LaunchTime(days).ToString(), Is.EqualTo(text));
}
