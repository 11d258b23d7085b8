using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;
using NodaTime;
using static BulkOnboard.Tests.Support.JourneyFixtures;

namespace BulkOnboard.Tests.Plan;

public class LaunchBuilderTests
{
    private static readonly Dictionary<string, string> Members = new(StringComparer.OrdinalIgnoreCase) { ["boss@example.com"] = "u-boss", ["it@example.com"] = "u-it" };

    private static readonly JourneyDirectory Directory = new(email => Members.GetValueOrDefault(email.Trim()), new Dictionary<string, string> { ["IT"] = "g-it" });

    private static readonly PersonDates Berlin = new(new LocalDate(2026, 12, 8), null, DateTimeZoneProviders.Tzdb["Europe/Berlin"]);

    private static readonly JourneyPerson Ann = new(PersonKind.Member, "ann@example.com", "u-ann");

    private static readonly JourneyPerson Gus = new(PersonKind.Guest, "gus@example.com", null);

    private static Func<string, string?> AnnsRow(string? manager = "boss@example.com") => Row(
        ("first_name", "Ann"), ("last_name", "Lee"), ("email", "ann@example.com"), ("start_date", "2026-12-08"), ("manager", manager ?? ""),
        ("Department", "Sales"), ("Tools", "Laptop;Phone"));

    private static ResolvedJourney Resolved(JourneyOptions journey) => JourneyResolver.Resolve(journey, Template());

    [Test]
    public void TheDocsJourney_BuildsTheLaunch()
    {
        var journey = Sales();
        journey.Deadlines = new() { ["Welcome call"] = "start_date+1d" };

        var built = LaunchBuilder.Build(Resolved(journey), AnnsRow(), Ann, Directory, Berlin);

        Assert.That(built.Error, Is.Null);
        var request = built.Request!;
        Assert.That((request.Journey, request.TemplateId, request.ProcessName), Is.EqualTo(("sales-onboarding", "tpl1", "Onboarding: Ann Lee (ann@example.com)")));
        Assert.That(request.Prerun[StartId].ToJsonString(), Is.EqualTo("\"2026-12-08T00:00:00.000Z\""));
        Assert.That(request.Prerun[DepartmentId].ToJsonString(), Is.EqualTo("\"Sales\""));
        Assert.That(request.Prerun[ToolsId].ToJsonString(), Does.Contain("\"selected\":true"));
        Assert.That(request.Labels, Is.EquivalentTo(new Dictionary<string, string> { [StartId] = "Start date", [DepartmentId] = "Department", [ToolsId] = "Tools" }));
        Assert.That(request.Tasks["s1"].Groups, Is.EqualTo(new[] { "g-it" }));
        Assert.That(request.Tasks["s2"].Users, Is.EqualTo(new[] { "u-boss" }));
        Assert.That(request.Tasks["s2"].Deadline, Is.EqualTo(new DateTimeOffset(2026, 12, 9, 8, 0, 0, TimeSpan.Zero)), "09:00 Berlin the day after the start");
        Assert.That(request.Tasks["s3"].Users, Is.EqualTo(new[] { "u-ann" }));
        Assert.That(request.Tasks["s1"].Deadline, Is.Null);
        Assert.That(built.Due, Is.EqualTo(Instant.FromUtc(2026, 12, 3, 8, 0)), "start_date-5d at 09:00 Berlin");
    }

    [Test]
    public void AGuestIsAssignedByEmail_BesideTheirManager()
    {
        var journey = Sales("guest");
        journey.Assign = new() { ["Read the handbook"] = "person, manager" };

        var request = LaunchBuilder.Build(Resolved(journey), AnnsRow(), Gus, Directory, null).Request!;

        Assert.That((request.Tasks["s3"].Users, request.Tasks["s3"].Guests), Is.EqualTo((new[] { "u-boss" }, new[] { "gus@example.com" })));
    }

    [Test]
    public void AGuestsStep_WithoutAManagerOnTheRow_IsThisRowsError()
    {
        var journey = Sales("guest");
        journey.Assign = new() { ["Read the handbook"] = "person, manager" };

        var built = LaunchBuilder.Build(Resolved(journey), AnnsRow(manager: null), Gus, Directory, null);

        Assert.That((built.Request, built.Error), Is.EqualTo(((LaunchRequest?)null, "step 'Read the handbook': a guest's task needs a member beside it (the row has no manager)")));
    }

    [TestCase("stranger@example.com", "step 'Welcome call': the manager stranger@example.com is not a member of the organization")]
    [TestCase(null, "step 'Welcome call': no one to assign it to (the row has no manager)")]
    public void AManagerWhoIsNotAMember_OrNone_IsThisRowsError(string? manager, string error) =>
        Assert.That(LaunchBuilder.Build(Resolved(Sales()), AnnsRow(manager), Ann, Directory, Berlin).Error, Is.EqualTo(error));

    [Test]
    public void AnEmailOrGroupTallyfyDoesNotKnow_IsThisRowsError()
    {
        var journey = Sales();
        journey.Assign = new() { ["Set up laptop"] = "group:Facilities" };
        Assert.That(LaunchBuilder.Build(Resolved(journey), AnnsRow(), Ann, Directory, Berlin).Error, Is.EqualTo("step 'Set up laptop': there is no Tallyfy group 'Facilities'"));

        journey.Assign = new() { ["Set up laptop"] = "it@example.com, help@example.com, group:it" };
        Assert.That(LaunchBuilder.Build(Resolved(journey), AnnsRow(), Ann, Directory, Berlin).Error, Is.EqualTo("step 'Set up laptop': help@example.com is not a member of the organization"));
    }

    [Test]
    public void AValueThatFitsNoOption_IsThisRowsError() =>
        Assert.That(LaunchBuilder.Build(Resolved(Sales()), Row(("Department", "Legal"), ("manager", "boss@example.com")), Ann, Directory, Berlin).Error,
            Is.EqualTo("'Legal' is not an option of kick-off field 'Department' (Sales, Support)"));

    [Test]
    public void EmptyValues_AreNotSent_NorLabelled()
    {
        var request = LaunchBuilder.Build(Resolved(Sales()), Row(("email", "ann@example.com"), ("manager", "boss@example.com")), Ann, Directory, null).Request!;

        Assert.That((request.Prerun.Count, request.Labels.Count), Is.EqualTo((0, 0)));
        Assert.That(request.ProcessName, Is.EqualTo("Onboarding: (ann@example.com)"), "missing names are empty, and the spaces around them one");
    }

    [Test]
    public void WithoutAStartDate_TheLaunchIsNow_AndNoDeadlineIsSet()
    {
        var journey = Sales();
        journey.Deadlines = new() { ["Welcome call"] = "start_date+1d" };

        var built = LaunchBuilder.Build(Resolved(journey), AnnsRow(), Ann, Directory, null);

        Assert.That((built.Due, built.Request!.Tasks["s2"].Deadline), Is.EqualTo(((Instant?)null, (DateTimeOffset?)null)));
    }

    [Test]
    public void TheProcessName_UsesColumnsAndAlwaysThePersonsEmail()
    {
        var journey = Sales();
        journey.ProcessName = "{Department} welcome for {EMAIL}";

        var name = LaunchBuilder.Build(Resolved(journey), AnnsRow(), Ann with { Email = "ann@example.com " }, Directory, null).Request!.ProcessName;

        Assert.That(name, Is.EqualTo("Sales welcome for ann@example.com"), "a column by its header; {EMAIL} is the person's, trimmed");
    }

    [Test]
    public void AProcessNameOver550_IsThisRowsError()
    {
        var journey = Sales();
        journey.ProcessName = "{Notes} {email}";

        var built = LaunchBuilder.Build(Resolved(journey), Row(("Notes", new string('n', 540)), ("manager", "boss@example.com")), Ann, Directory, null);

        Assert.That(built.Error, Does.StartWith("the process name is 556 characters; Tallyfy takes at most 550"));
    }
}
