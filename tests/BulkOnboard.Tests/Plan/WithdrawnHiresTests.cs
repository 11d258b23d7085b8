using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;
using NodaTime;

namespace BulkOnboard.Tests.Plan;

/// <summary>Which scheduled hires a later file withdraws: not listed, or listed without a start date; never one listed on an invalid row, never another source's.</summary>
public class WithdrawnHiresTests
{
    private const string Source = "/data/hires.csv";

    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    [Test]
    public void AHireTheFileNoLongerLists_IsWithdrawn_NotListed()
    {
        var hires = Judge([Invite("ann@x.example")], Member("bob@x.example", 2, dated: true));

        Assert.That(hires.Select(w => (w.Action.Email, w.Reason)), Is.EqualTo(new[] { ("ann@x.example", "not_listed") }));
        Assert.That(hires[0].Message, Is.EqualTo("invite due 2026-12-08 00:00 Europe/Berlin cancelled: no longer listed"));
    }

    [Test]
    public void AHireListedWithoutAStartDate_IsWithdrawn_NamingTheRow()
    {
        var hires = Judge([Invite("ann@x.example")], Member(" ANN@x.example", 7, dated: false));

        Assert.That(hires.Single().Reason, Is.EqualTo("no_start_date"));
        Assert.That(hires.Single().Message, Does.Contain("row 7 lists them without a start date"));
    }

    [Test]
    public void AHireStillListedWithAStartDate_StillWaits() =>
        Assert.That(Judge([Invite("ann@x.example")], Member("ann@x.example", 2, dated: true)), Is.Empty);

    [Test]
    public void AHireListedOnAnInvalidRow_IsNotJudged_AndSaysSo()
    {
        var hires = new WithdrawnHires([Invite("ann@x.example")], Source);
        hires.Note(new ValidatedRow(new RawRecord(4, []), PersonKind.Member, "ann@x.example", null, ["Start Date: not a date"], null));

        Assert.That(hires.Find(), Is.Empty);
        Assert.That(hires.Unjudged.Select(a => a.Email), Is.EqualTo(new[] { "ann@x.example" }));
    }

    [Test]
    public void AHireOnlyOnARowTheFiltersLeaveOut_OrListedAsTheOtherKind_IsWithdrawn()
    {
        var hires = Judge([Invite("ann@x.example"), Invite("bob@x.example")],
            Member("ann@x.example", 3, dated: true) with { FilteredBecause = "Status is Withdrawn" },
            new ValidatedRow(new RawRecord(4, []), PersonKind.Guest, "bob@x.example", new GuestPayload { Email = "bob@x.example" }, [], null) { Dates = Dated() });

        Assert.That(hires.Select(w => w.Message), Is.EqualTo(new[]
        {
            "invite due 2026-12-08 00:00 Europe/Berlin cancelled: row 3 is left out by the mapping file's filters",
            "invite due 2026-12-08 00:00 Europe/Berlin cancelled: row 4 lists them as a guest now",
        }));
    }

    [Test]
    public void AnotherSourcesHires_AndLeaverActions_AreNotJudged()
    {
        var other = Invite("ann@x.example") with { Source = "https://hr.example/report" };
        var leaver = new DueAction(PersonKind.Member, "bob@x.example", "deactivate", DateTimeOffset.UnixEpoch, "2026-12-31 00:00 Europe/Berlin", null, "7", Source);

        Assert.That(Judge([other, leaver]), Is.Empty);
        Assert.That(new WithdrawnHires([other, leaver], source: null).Find().Select(w => w.Action.Email), Is.EqualTo(new[] { "ann@x.example" }),
            "a sync's roster is its whole scope: any source's hire it does not list is withdrawn");
    }

    private static List<Withdrawal> Judge(IEnumerable<DueAction> pending, params ValidatedRow[] rows)
    {
        var hires = new WithdrawnHires(pending, Source);
        foreach (var row in rows)
        {
            hires.Note(row);
        }

        return hires.Find();
    }

    private static DueAction Invite(string email) =>
        new(PersonKind.Member, email, "invite", DateTimeOffset.UnixEpoch, "2026-12-08 00:00 Europe/Berlin", "{}", null, Source);

    private static ValidatedRow Member(string email, int row, bool dated) =>
        new(new RawRecord(row, []), PersonKind.Member, email, new MemberPayload { Email = email.Trim(), Role = "standard", Message = "Hi" }, [], null) { Dates = dated ? Dated() : null };

    private static PersonDates Dated() => new(new LocalDate(2026, 12, 15), null, Zone);
}
