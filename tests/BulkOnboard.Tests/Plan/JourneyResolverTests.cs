using BulkOnboard.Configuration;
using BulkOnboard.Plan;
using static BulkOnboard.Tests.Support.JourneyFixtures;

namespace BulkOnboard.Tests.Plan;

public class JourneyResolverTests
{
    private static JourneyOptions With(JourneyOptions journey, Dictionary<string, string>? fields = null, Dictionary<string, string>? assign = null, Dictionary<string, string>? deadlines = null)
    {
        journey.Fields = fields ?? journey.Fields;
        journey.Assign = assign ?? journey.Assign;
        journey.Deadlines = deadlines ?? journey.Deadlines;
        return journey;
    }

    [Test]
    public void TheDocsJourney_ResolvesFieldsAndStepsToIds()
    {
        var resolved = JourneyResolver.Resolve(With(Sales(), deadlines: new() { ["welcome"] = "start_date+1d" }), Template());

        Assert.That(resolved.Fields.Select(f => (f.Field.Id, f.Source)), Is.EquivalentTo(new[] { (StartId, "start_date"), (DepartmentId, "Department"), (ToolsId, "Tools") }));
        Assert.That(resolved.Steps.Select(s => s.Step.Id), Is.EqualTo(new[] { "s1", "s2", "s3" }));
        Assert.That(resolved.Steps[1].Deadline, Is.EqualTo(new LaunchTime(1)), "a deadline by the step's alias");
        Assert.That(resolved.Steps[1].Assignees.Single().Kind, Is.EqualTo(AssigneeKind.Manager));
        Assert.That(resolved.Launch, Is.EqualTo(new LaunchTime(-5)));
    }

    [TestCase(StartId)]
    [TestCase("START")]
    [TestCase("  start date ")]
    public void AFieldByIdAliasOrLabel_CaseAndSpacesAside(string key) =>
        Assert.That(JourneyResolver.Resolve(With(Sales(), fields: new() { [key] = "start_date" }), Template()).Fields.Single().Field, Is.EqualTo(Start));

    [Test]
    public void AFieldTheTemplateLacks_IsAJourneyErrorNamingJourneyTemplateAndKey() =>
        Assert.That(() => JourneyResolver.Resolve(With(Sales(), fields: new() { ["Cost centre"] = "Cost Centre" }), Template()),
            Throws.TypeOf<JourneyException>().With.Message.EqualTo("journey 'sales-onboarding': template 'Employee Onboarding' has no kick-off field 'Cost centre'"));

    [Test]
    public void AnAmbiguousLabel_IsAJourneyError()
    {
        var template = Template(Start with { Id = "b0000000000000000000000000000001", Alias = "start2" });

        Assert.That(() => JourneyResolver.Resolve(With(Sales(), fields: new() { ["Start date"] = "start_date" }), template),
            Throws.TypeOf<JourneyException>().With.Message.EqualTo("journey 'sales-onboarding': template 'Employee Onboarding' has 2 kick-off fields named 'Start date'; name it by its id"));
        Assert.That(JourneyResolver.Resolve(With(Sales(), fields: new() { ["start2"] = "start_date" }), template).Fields.Single().Field.Alias, Is.EqualTo("start2"), "an alias settles it");
    }

    [Test]
    public void AStepTheTemplateLacks_OrTwoKeysForOneField_IsAJourneyError()
    {
        Assert.That(() => JourneyResolver.Resolve(With(Sales(), assign: new() { ["Order pizza"] = "manager" }), Template()),
            Throws.TypeOf<JourneyException>().With.Message.EqualTo("journey 'sales-onboarding': template 'Employee Onboarding' has no step 'Order pizza'"));
        Assert.That(() => JourneyResolver.Resolve(With(Sales(), fields: new() { ["Start date"] = "start_date", ["start"] = "Hire Date" }), Template()),
            Throws.TypeOf<JourneyException>().With.Message.Contains("both name kick-off field 'Start date'"));
        Assert.That(() => JourneyResolver.Resolve(With(Sales(), deadlines: new() { ["Welcome call"] = "start_date", ["welcome"] = "start_date+1d" }), Template()),
            Throws.TypeOf<JourneyException>().With.Message.Contains("both name step 'Welcome call'"));
    }

    [Test]
    public void AFieldTypeARowCannotFill_IsAJourneyError()
    {
        var template = Template(new KickoffField("c0000000000000000000000000000001", null, "Buddy", "assignees_form", [], [], false));

        Assert.That(() => JourneyResolver.Resolve(With(Sales(), fields: new() { ["Buddy"] = "manager" }), template),
            Throws.TypeOf<JourneyException>().With.Message.EqualTo("journey 'sales-onboarding': kick-off field 'Buddy' is a assignees_form field, which a journey cannot fill from a row"));
        Assert.That(() => JourneyResolver.Resolve(With(Sales(), fields: new() { ["Start date"] = "first_name" }), Template()),
            Throws.TypeOf<JourneyException>().With.Message.EqualTo("journey 'sales-onboarding': kick-off field 'Start date' is a date field; 'first_name' is not a date"));
        Assert.That(() => JourneyResolver.Resolve(With(Sales(), fields: new() { ["Manager"] = "last_name" }), Template()),
            Throws.TypeOf<JourneyException>().With.Message.Contains("is an email field; 'last_name' is not an email"));
        Assert.That(JourneyResolver.Resolve(With(Sales(), fields: new() { ["Start date"] = "Hire Date Column", ["Manager"] = "manager" }), Template()).Fields, Has.Count.EqualTo(2),
            "a column BulkOnboard does not know is checked row by row");
    }

    [TestCase("guest")]
    [TestCase(null)]
    public void AStepOnlyThePersonHolds_InAJourneyForGuests_IsRefused(string? kinds)
    {
        var journey = With(Sales(kinds), assign: new() { ["Read the handbook"] = "person" });

        Assert.That(() => JourneyResolver.Resolve(journey, Template()),
            Throws.TypeOf<JourneyException>().With.Message.StartWith("journey 'sales-onboarding': step 'Read the handbook' is assigned only to the person").And.Message.Contains("a guest's task needs a member beside it"));
    }

    [Test]
    public void AStepOnlyThePersonHolds_IsFineForMembers_AndForGuestsWithAMemberBeside()
    {
        Assert.That(JourneyResolver.Resolve(With(Sales("member"), assign: new() { ["Read the handbook"] = "person" }), Template()).Steps, Has.Count.EqualTo(1));
        Assert.That(JourneyResolver.Resolve(With(Sales("guest"), assign: new() { ["Read the handbook"] = "person, manager" }), Template()).Steps, Has.Count.EqualTo(1));
    }
}

public class TemplateMatchTests
{
    private static readonly (string Id, string Title)[] Listed = [("t1", "Employee Onboarding"), ("t2", "Contractor Onboarding"), ("t3", "Offboarding"), ("t4", "offboarding ")];

    [TestCase("t2", "t2")]
    [TestCase(" employee onboarding ", "t1")]
    [TestCase("T3", "t3")]
    public void ById_ElseByExactTitle(string wanted, string id) => Assert.That(TemplateMatch.Pick("j", wanted, Listed), Is.EqualTo(id));

    [Test]
    public void NoneOrTwo_IsAJourneyErrorNamingIt()
    {
        Assert.That(() => TemplateMatch.Pick("j", "Onboarding", Listed),
            Throws.TypeOf<JourneyException>().With.Message.EqualTo("journey 'j': no template has the id or title 'Onboarding'"));
        Assert.That(() => TemplateMatch.Pick("j", "Offboarding", Listed),
            Throws.TypeOf<JourneyException>().With.Message.EqualTo("journey 'j': 2 templates are titled 'Offboarding' (t3, t4); name one by its id"));
    }
}
