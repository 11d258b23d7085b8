using System.Text;
using System.Text.Json.Nodes;
using BulkOnboard.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Tests.Configuration;

public class JourneysOptionsValidatorTests
{
    private const string Good = """
        { "Name": "sales-onboarding", "Template": "Employee Onboarding", "When": [ { "column": "Department", "equals": ["Sales"] } ],
          "Kinds": [ "member" ], "Launch": "start_date-5d", "ProcessName": "Onboarding: {first_name} {last_name} ({email})",
          "Fields": { "Start date": "start_date", "Manager": "manager" },
          "Assign": { "Set up laptop": "group:IT", "Welcome call": "manager, it@example.com", "Read the handbook": "person" },
          "Deadlines": { "Set up laptop": "start_date-1d" } }
        """;

    private static readonly JourneysOptionsValidator Validator = new();

    private static IConfiguration Json(string json) => new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static JourneysOptions Bind(string journeys)
    {
        var options = new JourneysOptions();
        Json($$"""{ "Journeys": [ {{journeys}} ] }""").Bind(options);
        return options;
    }

    private static List<string> Failures(string journeys)
    {
        var result = Validator.Validate(Options.DefaultName, Bind(journeys));
        return result.Failed ? [.. result.Failures!] : [];
    }

    /// <summary>A journey like <see cref="Good"/> with one setting replaced (<c>"Launch": "tomorrow"</c>).</summary>
    private static string With(string setting)
    {
        var journey = JsonNode.Parse(Good)!.AsObject();
        foreach (var (key, value) in JsonNode.Parse($"{{ {setting} }}")!.AsObject().ToList())
        {
            journey[key] = value?.DeepClone();
        }

        return journey.ToJsonString();
    }

    [Test]
    public void TheDocsJourney_BindsFromTheRootAndPasses()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Json($$"""{ "Journeys": [ {{Good}} ], "Sync": { "MaxLeavers": 3 } }"""));
        services.AddOptions<JourneysOptions>().BindConfiguration(string.Empty);
        var journeys = services.BuildServiceProvider().GetRequiredService<IOptions<JourneysOptions>>().Value.Journeys;

        Assert.That(journeys, Has.Count.EqualTo(1));
        var journey = journeys[0];
        Assert.That(journey.When.Single().Equals, Is.EqualTo(new[] { "Sales" }));
        Assert.That(journey.Fields["start date"], Is.EqualTo("start_date"));
        Assert.That(journey.Assign, Has.Count.EqualTo(3));
        Assert.That(Validator.Validate(null, new JourneysOptions { Journeys = [journey] }).Succeeded, Is.True);
    }

    [Test]
    public void NoJourneys_Pass_AndADefaultJourneyLaunchesNowUnderTheDefaultName()
    {
        Assert.That(Validator.Validate(null, new JourneysOptions()).Succeeded, Is.True);
        var journey = Bind("""{ "Name": "a", "Template": "T" }""").Journeys.Single();
        Assert.That((journey.Launch, journey.ProcessName), Is.EqualTo(("now", JourneyOptions.DefaultProcessName)));
        Assert.That(Failures("""{ "Name": "a", "Template": "T" }"""), Is.Empty);
    }

    [TestCase("\"Launch\": \"tomorrow\"", "Journeys[0]:Launch must be now or start_date±Nd (N 0..365) (is 'tomorrow')")]
    [TestCase("\"Launch\": \"start_date+366d\"", "Journeys[0]:Launch must be now or start_date±Nd")]
    [TestCase("\"Launch\": \"start_date+5\"", "Journeys[0]:Launch must be")]
    [TestCase("\"Deadlines\": { \"Welcome call\": \"now\" }", "Journeys[0]:Deadlines:Welcome call must be start_date±Nd")]
    [TestCase("\"Kinds\": [ \"robot\" ]", "Journeys[0]:Kinds must hold member and/or guest (is 'robot')")]
    [TestCase("\"Assign\": { \"Welcome call\": \"manager, boss\" }", "Journeys[0]:Assign:Welcome call must be a comma-separated list of person, manager, group:NAME or an email ('boss'")]
    [TestCase("\"Assign\": { \"Welcome call\": \"group:\" }", "Journeys[0]:Assign:Welcome call must be")]
    [TestCase("\"ProcessName\": \"Onboarding: {first_name}\"", "Journeys[0]:ProcessName must contain {email}")]
    [TestCase("\"ProcessName\": \"Onboarding: {email\"", "Journeys[0]:ProcessName has a brace without its pair")]
    [TestCase("\"ProcessName\": \"Onboarding: email} {email}\"", "Journeys[0]:ProcessName has a brace without its pair")]
    [TestCase("\"ProcessName\": \"{} {email}\"", "Journeys[0]:ProcessName has a brace without its pair or an empty placeholder")]
    [TestCase("\"When\": [ { \"column\": \"Department\" } ]", "Journeys[0]:When[0] needs Equals (a list of values) or Matches")]
    [TestCase("\"When\": [ { \"equals\": [\"Sales\"] } ]", "Journeys[0]:When[0] needs a Column")]
    [TestCase("\"When\": [ { \"column\": \"Department\", \"matches\": \"(Sales\" } ]", "Journeys[0]:When[0]:Matches is not a valid regular expression ('(Sales'")]
    [TestCase("\"Fields\": { \"Start date\": \"\" }", "Journeys[0]:Fields:Start date must name a field or column")]
    public void AWrongSetting_OneLineNamingIt(string setting, string message)
    {
        var failures = Failures(With(setting));

        Assert.That(failures, Has.Count.EqualTo(1), string.Join("\n", failures));
        Assert.That(failures[0], Does.StartWith(message));
        Assert.That(failures[0], Does.Not.Contain('\n'));
    }

    [TestCase("now")]
    [TestCase(" Start_Date ")]
    [TestCase("start_date+365d")]
    [TestCase("start_date-365d")]
    [TestCase("start_date - 0d")]
    public void TheLaunchForms_Pass(string launch) => Assert.That(Failures(With($"\"Launch\": \"{launch}\"")), Is.Empty);

    [Test]
    public void NamesMustBeSetAndUnique_AndTheTemplateSet()
    {
        var failures = Failures($$"""{{Good}}, {{Good.Replace("Employee Onboarding\"", "\"", StringComparison.Ordinal)}}, { "Template": "T" }""");

        Assert.That(failures, Is.EquivalentTo(new[]
        {
            "Journeys[1]:Name 'sales-onboarding' is also the name of Journeys[0]; names must be unique",
            "Journeys[1]:Template must be set (a template's id or exact title)",
            "Journeys[2]:Name must be set (a journey's name is how the journal knows it)",
        }));
    }
}
