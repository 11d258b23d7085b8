using BulkOnboard.Validation;
using NodaTime;

namespace BulkOnboard.Tests.Validation;

/// <summary>A row's date cells at the calendar's edges: open ends, dates past the calendar or before 1900, cells holding more than a date.</summary>
public class RowDatesTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    [TestCase("9999-12-31")]
    [TestCase("9999-12-30")]
    [TestCase("12/31/9999")]
    [TestCase("31.12.9999")]
    [TestCase("9999-12-31 00:00:00")]
    public void Read_AnOpenEnd_IsNoEnd(string end)
    {
        var (dates, errors) = Dates(end).Read("2026-03-01", end, null);

        Assert.That(errors, Is.Empty);
        Assert.That((dates!.Start, dates.End, dates.EndsAt), Is.EqualTo((new LocalDate(2026, 3, 1), (LocalDate?)null, (Instant?)null)));
    }

    [Test]
    public void Read_AnOpenEndAlone_IsNoDates()
    {
        var (dates, errors) = Dates("9999-12-31").Read(null, "9999-12-31", null);

        Assert.That((dates, errors.Count), Is.EqualTo(((PersonDates?)null, 0)));
    }

    [TestCase("10000-01-01", "is not a date")]
    [TestCase("99999-12-31", "is not a date")]
    [TestCase("0001-01-01", "is before 1900")]
    [TestCase("1899-12-31", "is before 1900")]
    [TestCase("2026-12-31T25:00", "is not a date")]
    [TestCase("2026-12-31 maybe", "is not a date")]
    [TestCase("2026-12-31T", "is not a date")]
    [TestCase("2026-12-31 09:30 or later", "is not a date")]
    [TestCase("2026-02-30", "is not a date")]
    [TestCase("٠٣/٠٤/٢٠٢٦", "is not a date")]
    public void Read_ACellThatIsNoUsableDate_IsTheRowsProblem_NamingItsColumn(string cell, string problem)
    {
        var (dates, errors) = Dates(cell).Read("2026-03-01", cell, null);

        Assert.That(dates, Is.Null);
        Assert.That(errors.Single(), Does.StartWith($"End Date: '{cell}' ").And.Contain(problem));
    }

    [TestCase("2026-12-31T09:30")]
    [TestCase("2026-12-31T09:30:00")]
    [TestCase("2026-12-31 09:30:00.125")]
    [TestCase("2026-12-31T09:30:00Z")]
    [TestCase("2026-12-31T09:30:00+05:30")]
    [TestCase(" 2026-12-31 ")]
    public void Read_ADateWithATimeOfDay_IsItsDate(string cell) =>
        Assert.That(Dates(cell).Read("2026-03-01", cell, null).Dates!.End, Is.EqualTo(new LocalDate(2026, 12, 31)));

    [Test]
    public void Read_AnEndBeforeTheStart_IsInvalid_NamingBothColumns()
    {
        var (dates, errors) = Dates("2026-02-28").Read("2026-03-01", "2026-02-28", null);

        Assert.That(dates, Is.Null);
        Assert.That(errors.Single(), Does.Contain("End Date: 2026-02-28 is before Start Date 2026-03-01"));
    }

    [Test]
    public void Read_AOneDayContract_IsValid() =>
        Assert.That(Dates("2026-03-01").Read("2026-03-01", "2026-03-01", "Asia/Kolkata").Dates,
            Is.EqualTo(new PersonDates(new LocalDate(2026, 3, 1), new LocalDate(2026, 3, 1), DateTimeZoneProviders.Tzdb["Asia/Kolkata"])));

    [Test]
    public void Read_TheLastDayOfTheCalendarAsAStart_IsAStart_ItsJoinerDueComputes()
    {
        var dates = Dates("9999-12-31").Read("9999-12-31", null, "Etc/GMT+12").Dates!;

        Assert.That(dates.JoinDue(0), Is.EqualTo(Instant.FromUtc(9999, 12, 31, 12, 0)));
    }

    private static RowDates Dates(string sample)
    {
        var start = DateReading.Decide("Start Date", ["2026-03-01"], null);
        var end = DateReading.Decide("End Date", [sample], null);
        return new RowDates(start, end, Berlin, "Start Date", "End Date");
    }
}
