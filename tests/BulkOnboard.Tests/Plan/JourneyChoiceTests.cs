using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using static BulkOnboard.Tests.Support.JourneyFixtures;

namespace BulkOnboard.Tests.Plan;

public class JourneyChoiceTests
{
    private static JourneyOptions Journey(string name, string[] kinds, params JourneyRule[] when) =>
        new() { Name = name, Template = "T", Kinds = [.. kinds], When = [.. when] };

    private static JourneyRule Equal(string column, params string[] values) => new() { Column = column, Equals = [.. values] };

    [Test]
    public void TheFirstMatchingJourneyInConfigurationOrder_Wins()
    {
        var choice = new JourneyChoice([
            Journey("sales", ["member"], Equal("Department", "Sales")),
            Journey("everyone", []),
            Journey("sales-too", [], Equal("Department", "Sales")),
        ]);

        Assert.That(choice.For(PersonKind.Member, Row(("Department", " sales ")))?.Name, Is.EqualTo("sales"));
        Assert.That(choice.For(PersonKind.Guest, Row(("Department", "Sales")))?.Name, Is.EqualTo("everyone"), "sales is for members only");
        Assert.That(choice.For(PersonKind.Member, Row(("Department", "Support")))?.Name, Is.EqualTo("everyone"));
    }

    [Test]
    public void AllRulesMustHold_EqualsOrMatches()
    {
        var choice = new JourneyChoice([
            Journey("berlin-sales", [], Equal("Department", "Sales", "Presales"), new JourneyRule { Column = "Office", Matches = "^ber" }),
        ]);

        Assert.That(choice.For(PersonKind.Member, Row(("Department", "Presales"), ("Office", "Berlin HQ")))?.Name, Is.EqualTo("berlin-sales"));
        Assert.That(choice.For(PersonKind.Member, Row(("Department", "Presales"), ("Office", "Munich"))), Is.Null);
        Assert.That(choice.For(PersonKind.Member, Row(("Department", "Legal"), ("Office", "Berlin"))), Is.Null);
    }

    [Test]
    public void ARowWithoutTheRulesColumn_MeetsNoRule_EvenAnEmptyValueOne()
    {
        var choice = new JourneyChoice([Journey("no-department", [], Equal("Department", ""))]);

        Assert.That(choice.For(PersonKind.Member, Row(("Department", "  ")))?.Name, Is.EqualTo("no-department"), "an empty cell is the empty value");
        Assert.That(choice.For(PersonKind.Member, Row()), Is.Null, "no such column: fail closed");
    }

    [Test]
    public void RulesReadRowFieldsByName()
    {
        var choice = new JourneyChoice([Journey("managed", [], new JourneyRule { Column = "manager", Matches = "@example\\.com$" })]);

        Assert.That(choice.For(PersonKind.Guest, Row(("manager", "boss@example.com")))?.Name, Is.EqualTo("managed"));
        Assert.That(choice.For(PersonKind.Guest, Row(("manager", "boss@elsewhere.org"))), Is.Null);
    }

    [Test]
    public void NoJourneys_NoneChosen() => Assert.That(new JourneyChoice([]).For(PersonKind.Member, Row(("email", "a@example.com"))), Is.Null);
}
