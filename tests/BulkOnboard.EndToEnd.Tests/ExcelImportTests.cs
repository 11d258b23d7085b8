using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkOnboard.EndToEnd.Tests;

public class ExcelImportTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task Workbook_TheApiReceivesWhatTheUserSees_AndResultsComeAsAWorkbookToo()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var path = new WorkbookBuilder().Sheet("Guests",
            ["Guest list"],
            ["E-mail Address", "Given Name", "Surname", "Company", "Mobile", "Type"],
            ["zoe@fabrikam.example", "Zoë", "Ångström", "Fabrikam \"West\"\nBranch", 4915112345678d, "guest"],
            ["li@fabrikam.example", "李", "小龙", "Fabrikam", 85255550199L, "guest"],
            ["bad-email", "Bad", "Row", "Fabrikam", 1d, "guest"])
            .Save(Path.Combine(_workspace.Folder, "guests.xlsx"));

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", path, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var zoe = sandbox.State.Guests["zoe@fabrikam.example"].Fields;
        Assert.That(zoe["first_name"], Is.EqualTo("Zoë"));
        Assert.That(zoe["last_name"], Is.EqualTo("Ångström"));
        Assert.That(zoe["company_name"], Is.EqualTo("Fabrikam \"West\"\nBranch"));
        Assert.That(zoe["phone_1"], Is.EqualTo("4915112345678"));
        Assert.That(sandbox.State.Guests["li@fabrikam.example"].Fields["first_name"], Is.EqualTo("李"));
        Assert.That(_workspace.Reports.Results().Select(r => (r.Row, r.Outcome)), Is.EqualTo(new[] { (3, "created"), (4, "created"), (5, "invalid") }));

        var workbook = Directory.GetFiles(_workspace.ReportFolder, "*.results.xlsx").Single();
        using var document = new WorkbookReadBack(workbook);
        var sheet = document.Sheet("results");
        var rows = sheet.Descendants<Row>().ToList();
        Assert.That(rows, Has.Count.EqualTo(4));
        Assert.That(sheet.Descendants<AutoFilter>().Single().Reference!.Value, Is.EqualTo("A1:O4"));
        Assert.That(document.Rows("results").Skip(1).Select(r => (r[10], r[11])), Is.EqualTo(new[] { ("Zoë", "Ångström"), ("李", "小龙"), ("Bad", "Row") }));
        Assert.That(rows[3].Elements<Cell>().ElementAt(3).InnerText, Is.EqualTo("invalid"));
        Assert.That(rows[3].Elements<Cell>().ElementAt(3).StyleIndex!.Value, Is.Not.EqualTo(rows[1].Elements<Cell>().ElementAt(3).StyleIndex!.Value), "outcomes are coloured");
    }

    [Test]
    public async Task MissingSheet_Exit1_ListsTheSheets()
    {
        var path = new WorkbookBuilder().Sheet("People", ["Email"], ["a@x.example"]).Save(Path.Combine(_workspace.Folder, "p.xlsx"));

        var result = await CliRun.RunAsync(null, "validate", path, "--kind", "guest", "--sheet", "Staff", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.ErrorLines.Single(), Does.Contain("no sheet named 'Staff'; the workbook has: 'People'"));
    }

    /// <summary>
    /// Excel's text trick (<c>="0044 ..."</c>, so a leading zero survives) is the text it shows, to Tallyfy
    /// and in inspect's samples, as the leading-apostrophe escape already is; a formula is left as it is.
    /// </summary>
    [Test]
    public async Task ExcelTextTrick_InACsvCell_IsSentAsItsText_AndInspectShowsItSo()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var csv = "Email,First Name,Phone,Company,Type\n"
            + "ann@x.example,Ann,=\"0044 7700 900123\",\"=\"\"Acme \"\"\"\"One\"\"\"\"\"\"\",guest\n"
            + "bob@x.example,Bob,'+36 1 234 5678,=SUM(A1),guest\n";
        var file = _workspace.Write("people.csv", csv);

        var inspect = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "inspect", file);
        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var ann = sandbox.State.Guests["ann@x.example"].Fields;
        Assert.That((ann["phone_1"], ann["company_name"]), Is.EqualTo(("0044 7700 900123", "Acme \"One\"")));
        var bob = sandbox.State.Guests["bob@x.example"].Fields;
        Assert.That((bob["phone_1"], bob["company_name"]), Is.EqualTo(("+36 1 234 5678", "=SUM(A1)")), "the apostrophe escape as before; a formula is not text");
        var phoneLine = inspect.Out.Split('\n').Single(l => l.TrimStart().StartsWith("Phone", StringComparison.Ordinal));
        Assert.That(phoneLine, Does.Contain("0044 7700 900123, +36 1 234 5678").And.Not.Contain("=\"").And.Not.Contain("'+"), inspect.ToString());
    }
}
