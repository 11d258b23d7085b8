using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Input;

public class MappingFileTests
{
    private const string ProductExample = """
        { "columns":  { "email": "Email - Work", "first_name": "Legal Name - First Name", "groups": "Department" },
          "values":   { "kind": { "Contingent Worker": "guest" }, "role": { "People Manager": "admin" } },
          "defaults": { "role": "standard", "company_name": "Contoso Ltd" },
          "include":  [ { "column": "Employment Status", "equals": ["Active", "On Leave"] } ],
          "exclude":  [ { "column": "Email - Work", "matches": "@test\\." } ] }
        """;

    private const string Header = "Employee ID,Legal Name - First Name,Legal Name - Last Name,Email - Work,Email - Home,Worker Type,Employment Status,Role Title,Department\n";

    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void Load_TheProductExample_ReadsEveryPart()
    {
        var mapping = MappingFile.Load(_files.Write("m.json", ProductExample));

        Assert.That(mapping.Columns, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["email"] = "Email - Work", ["first_name"] = "Legal Name - First Name", ["groups"] = "Department",
        }));
        Assert.That(mapping.Map("kind", " contingent worker ".Trim()), Is.EqualTo("guest"), "values compare without case");
        Assert.That(mapping.Map("role", "Engineer"), Is.EqualTo("Engineer"), "a value not in the map is kept");
        Assert.That(mapping.Defaults["company_name"], Is.EqualTo("Contoso Ltd"));
        Assert.That(mapping.Include.Single().Describe(), Is.EqualTo("include Employment Status equals Active, On Leave"));
        Assert.That(mapping.Exclude.Single().IsMetBy("ann@TEST.example"), Is.True);
        Assert.That(mapping.Exclude.Single().IsMetBy("ann@contoso.example"), Is.False);
    }

    [Test]
    public void Load_Yaml_MeansTheSameAsJson()
    {
        var yaml = _files.Write("m.yaml", """
            # Workday worker report
            columns:
              email: Email - Work
              First Name: Legal Name - First Name
            values:
              kind:
                Contingent Worker: guest
                Employee: member
            defaults:
              role: standard
            include:
              - column: Employment Status
                equals: [Active, On Leave]
            exclude:
              - column: Email - Work
                matches: '@test\.'
            """);

        var mapping = MappingFile.Load(yaml);

        Assert.That(mapping.Columns["first_name"], Is.EqualTo("Legal Name - First Name"), "a field may be written as a header would be");
        Assert.That(mapping.Map("kind", "Employee"), Is.EqualTo("member"));
        Assert.That(mapping.Defaults["role"], Is.EqualTo("standard"));
        Assert.That(mapping.Include.Single().AnyOf, Is.EqualTo(new[] { "Active", "On Leave" }));
        Assert.That(mapping.Exclude.Single().IsMetBy("x@test.example"), Is.True);
    }

    [Test]
    public void Pattern_ThatWouldBacktrackCatastrophically_RunsInLinearTime()
    {
        var rule = new RowFilter(false, "Note", null, RowFilter.CreatePattern("^(a+)+$"));

        Assert.That(rule.Pattern!.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking), Is.True);
        Assert.That(rule.IsMetBy(new string('a', 5_000) + "!"), Is.False);
        Assert.That(rule.Unevaluated, Is.Zero);
    }

    [Test]
    public void Pattern_ThatNeedsBacktracking_AndTimesOut_LeavesTheRowOut_EvenForAnIncludeRule()
    {
        var pattern = RowFilter.CreatePattern(@"^(a+)+(b)\2$");
        var exclude = new RowFilter(false, "Note", null, pattern);
        var include = new RowFilter(true, "Note", null, pattern);
        var cell = new string('a', 40) + "!";

        Assert.That(pattern.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking), Is.False, "a backreference needs backtracking");
        Assert.That(exclude.LeavesOut(cell, out var unevaluated), Is.True);
        Assert.That(unevaluated, Is.True);
        Assert.That(include.LeavesOut(cell, out _), Is.True);
        Assert.That(exclude.Unevaluated, Is.EqualTo(1));
    }

    [TestCase("m.json", "{ \"columns\": { \"email\": ", "is not valid JSON")]
    [TestCase("m.yaml", "columns:\n  email: [unclosed\n", "is not valid YAML")]
    [TestCase("m.json", "[1, 2]", "must be an object")]
    [TestCase("m.json", "{ \"column\": {} }", "'column' is not a part of a mapping")]
    [TestCase("m.json", "{ \"columns\": { \"mail_address\": \"E\" } }", "'mail_address' is not a field BulkOnboard knows")]
    [TestCase("m.json", "{ \"values\": { \"kind\": { \"Employee\": \"staffer\" } } }", "maps 'Employee' to 'staffer', which is not a kind")]
    [TestCase("m.json", "{ \"defaults\": { \"kind\": \"people\" } }", "defaults.kind is 'people'")]
    [TestCase("m.json", "{ \"include\": [ { \"column\": \"Status\" } ] }", "include[0] needs equals")]
    [TestCase("m.json", "{ \"include\": [ { \"equals\": [\"A\"] } ] }", "include[0] has no column")]
    [TestCase("m.json", "{ \"exclude\": [ { \"column\": \"Status\", \"matches\": \"(\" } ] }", "exclude[0].matches is not a valid regular expression")]
    [TestCase("m.json", "{ \"exclude\": [ { \"column\": \"Status\", \"equal\": [\"A\"] } ] }", "'equal' is not part of a filter")]
    public void Load_AMappingItCannotUse_SaysWhatInOneLine(string name, string text, string expected)
    {
        var path = _files.Write(name, text);

        var problem = Assert.Throws<InputException>(() => MappingFile.Load(path))!;

        Assert.That(problem.Message, Does.StartWith($"mapping file {path}: ").And.Contain(expected));
        Assert.That(problem.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void Load_AMissingFile_SaysSo() =>
        Assert.That(() => MappingFile.Load(Path.Combine(_files.Folder, "nope.json")), Throws.TypeOf<InputException>().With.Message.Contain("cannot be read"));

    [Test]
    public void Open_MappedColumnsWinOverAliases_AndTheAliasColumnIsIgnored()
    {
        var mapping = MappingFile.Load(_files.Write("m.json", """{ "columns": { "email": "Email - Home" } }"""));
        var path = _files.Write("w.csv", Header + "1,Ann,Lee,ann@work.example,ann@home.example,Employee,Active,Engineer,Sales\n");

        using var table = InputTable.Open(path, new HeaderMatcher(), null, mapping, CancellationToken.None);
        var row = new RowValidator(table.Columns, new ImportDefaults(null, "standard", "Welcome")).Validate(table.DataRows().Single());

        Assert.That(row.Email, Is.EqualTo("ann@home.example"));
        Assert.That(table.Columns.IsMapped(Field.Email), Is.True);
        Assert.That(table.Columns.UnknownColumns, Does.Contain("Email - Work"));
    }

    [Test]
    public void Open_AMappingNamingAColumnTheFileLacks_StopsWithOneLineNamingIt()
    {
        var mapping = MappingFile.Load(_files.Write("m.json", """{ "include": [ { "column": "Employment State", "equals": ["Active"] } ] }"""));
        var path = _files.Write("w.csv", Header + "1,Ann,Lee,ann@work.example,,Employee,Active,Engineer,Sales\n");

        var problem = Assert.Throws<InputException>(() => InputTable.Open(path, new HeaderMatcher(), null, mapping, CancellationToken.None))!;

        Assert.That(problem.Message, Does.Contain("column 'Employment State' (include) is not in the header of w.csv (row 1 has: Employee ID,"));
    }

    [Test]
    public void Validate_ValuesDefaultsAndFilters_ApplyToEachRow()
    {
        var mapping = MappingFile.Load(_files.Write("m.json", ProductExample.Replace("\"groups\": \"Department\"", "\"role\": \"Role Title\"", StringComparison.Ordinal)));
        var path = _files.Write("w.csv", Header
            + "1,Ann,Lee,ann@contoso.example,,Employee,Active,People Manager,Sales\n"
            + "2,Bob,Lee,bob@contoso.example,,Contingent Worker,On Leave,,Sales\n"
            + "3,Cy,Lee,cy@contoso.example,,Employee,Terminated,Engineer,Sales\n"
            + "4,Di,Lee,di@test.example,,Employee,Active,Engineer,Sales\n"
            + "5,Ed,Lee,ed@contoso.example,,Employee,,Engineer,Sales\n");

        using var table = InputTable.Open(path, new HeaderMatcher(), null, mapping, CancellationToken.None);
        var validator = new RowValidator(table.Columns, new ImportDefaults(null, "light", "Welcome"));
        var rows = table.DataRows().Select(validator.Validate).ToList();

        Assert.That(rows.Select(r => r.FilteredBecause is null), Is.EqualTo(new[] { true, true, false, false, false }));
        Assert.That(rows[2].FilteredBecause, Is.EqualTo("left out by the mapping file (include Employment Status equals Active, On Leave): Employment Status is 'Terminated'"));
        Assert.That(rows[3].FilteredBecause, Does.Contain("exclude Email - Work matches @test\\."));
        Assert.That(rows[4].FilteredBecause, Does.EndWith("Employment Status is ''"), "an empty cell is not among the included values");
        var ann = (MemberPayload)rows[0].Payload!;
        Assert.That((ann.Role, ann.FirstName), Is.EqualTo(("admin", "Ann")), "values.role maps the cell");
        var bob = (GuestPayload)rows[1].Payload!;
        Assert.That((rows[1].Kind, bob.CompanyName), Is.EqualTo((PersonKind.Guest, "Contoso Ltd")), "values.kind, and the default for a field the file lacks");
    }

    [Test]
    public void Validate_DefaultRole_FromTheMapping_WinsOverImportDefaultRole_ButNotOverTheRow()
    {
        var mapping = MappingFile.Load(_files.Write("m.json", """{ "defaults": { "role": "light", "kind": "member" } }"""));
        var path = _files.Write("p.csv", "Email,First Name,Last Name,Role\na@x.example,A,Lee,\nb@x.example,B,Lee,admin\n");

        using var table = InputTable.Open(path, new HeaderMatcher(), null, mapping, CancellationToken.None);
        Assert.That(RowValidator.CheckKindSource(table.Columns, new ImportDefaults(null, null, null)), Is.Null, "the mapping's default kind is a kind source");
        var validator = new RowValidator(table.Columns, new ImportDefaults(null, "standard", "Welcome"));
        var roles = table.DataRows().Select(validator.Validate).Select(r => ((MemberPayload)r.Payload!).Role);

        Assert.That(roles, Is.EqualTo(new[] { "light", "admin" }));
    }

    [Test]
    public void Validate_EmailFoundByItsValues_KeepsTheMappingsValuesAndDefaults()
    {
        var mapping = MappingFile.Load(_files.Write("m.json", """{ "values": { "kind": { "Regular": "member" } }, "defaults": { "message": "Hi" } }"""));
        var path = _files.Write("m365.csv", "User Name,First Name,Last Name,Type\nann@x.example,Ann,Lee,Regular\nbob@x.example,Bob,Ek,Regular\ncy@x.example,Cy,Fa,Regular\n");

        using var table = InputTable.Open(path, new HeaderMatcher(), null, mapping, CancellationToken.None);
        var validator = new RowValidator(table.Columns, new ImportDefaults(null, "standard", null));
        var rows = table.DataRows().Select(validator.Validate).ToList();

        Assert.That(table.Columns.EmailFoundByContent, Is.Not.Null);
        Assert.That(rows.Select(r => (r.Email, r.Kind, ((MemberPayload)r.Payload!).Message)), Is.EqualTo(new[]
        {
            ("ann@x.example", (PersonKind?)PersonKind.Member, "Hi"), ("bob@x.example", PersonKind.Member, "Hi"), ("cy@x.example", PersonKind.Member, "Hi"),
        }));
    }
}
