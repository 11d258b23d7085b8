using BulkOnboard.Configuration;
using BulkOnboard.Tests.Support;
using static BulkOnboard.Tests.Support.BoundOptions;

namespace BulkOnboard.Tests.Configuration;

public class ImportOptionsValidatorTests
{
    private static readonly ImportOptionsValidator Validator = new();

    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void TheDefaults_Pass() => Assert.That(Failures(Validator, "Import"), Is.Empty);

    [Test]
    public void EverySettingAtAGoodValue_Passes()
    {
        var mapping = _files.Write("mapping.json", """{ "columns": { "email": "Courriel" } }""");

        Assert.That(Failures(Validator, "Import", "Import:DefaultKind= Member ", "Import:OnExisting=UPDATE", "Import:DefaultRole=light",
            "Import:ColumnAliases:email:0=Courriel", "Import:ColumnAliases:first_name:0=Prénom", $"Import:Mapping={mapping}"), Is.Empty);
    }

    [TestCase("Import:DefaultKind", "robot", "kind 'robot' (--kind or Import:DefaultKind (environment variable Import__DefaultKind)) is not a kind; use guest or member")]
    [TestCase("Import:OnExisting", "overwrite", "--on-existing / Import:OnExisting (environment variable Import__OnExisting) is 'overwrite'; use skip or update")]
    [TestCase("Import:OnExisting", "", "--on-existing / Import:OnExisting (environment variable Import__OnExisting) is ''; use skip or update")]
    [TestCase("Import:DefaultRole", "owner", "Import:DefaultRole (environment variable Import__DefaultRole) is 'owner'; use admin, standard or light")]
    public void AValueThatIsNotOneOfTheChoices_FailsNamingTheSettingAndTheChoices(string key, string value, string expected) =>
        Assert.That(Failures(Validator, "Import", $"{key}={value}"), Is.EqualTo(new[] { expected }));

    [Test]
    public void AnAliasForAFieldBulkOnboardDoesNotKnow_FailsNamingIt()
    {
        var failures = Failures(Validator, "Import", "Import:ColumnAliases:salary:0=Pay");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith("Import:ColumnAliases names 'salary', which is not a field BulkOnboard knows").And.Contain("email"));
    }

    [Test]
    public void AMappingFileThatIsMissing_FailsNamingTheSetting()
    {
        var missing = Path.Combine(_files.Folder, "no-such-mapping.yaml");

        var failures = Failures(Validator, "Import", $"Import:Mapping={missing}");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.Contain(missing).And.EndWith($"({Named("Import:Mapping")}) or --mapping)"));
    }

    [Test]
    public void AMappingFileThatCannotBeParsed_FailsNamingTheSetting()
    {
        var broken = _files.Write("mapping.json", "{ \"columns\": ");

        var failures = Failures(Validator, "Import", $"Import:Mapping={broken}");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith("mapping file " + broken).And.Contain("Import:Mapping"));
    }

    [Test]
    public void EveryProblem_IsReportedAtOnce() =>
        Assert.That(Failures(Validator, "Import", "Import:DefaultKind=x", "Import:OnExisting=x", "Import:DefaultRole=x", "Import:ColumnAliases:x:0=y"), Has.Count.EqualTo(4));
}
