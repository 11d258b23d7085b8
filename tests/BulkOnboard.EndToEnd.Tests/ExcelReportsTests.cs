using System.Text;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Reports that open right in Excel: report CSVs start with a UTF-8 byte order mark (Reports:ExcelBom), results.csv
/// carries the names, and a CSV import gets results.xlsx too, read back here with the OpenXML library.
/// </summary>
public class ExcelReportsTests
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private const string People =
        "Email,First Name,Last Name,Type,Phone\n" +
        "ana@x.example,Ana,Fernández,guest,+52 55 1234 5678\n" +
        "zoe@x.example,Zoë,Brontë,member,\n" +
        "lukasz@x.example,Łukasz,Wójcik,guest,+48 22 123 45 67\n" +
        "yamada@x.example,太郎,山田,guest,\n" +
        "broken-at-x.example,Renée,=Ørsted,guest,-5\n";

    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task AWorkbookFreeImport_ResultsXlsxOpensWithNamesAndAccentsRight_AndEachCsvStartsWithOneBom()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var input = _workspace.Write("people.csv", People);

        var run = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", input, "--out", _workspace.ReportFolder);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        var reports = _workspace.Reports;
        foreach (var path in new[] { reports.ResultsPath, reports.FailedPath })
        {
            var bytes = File.ReadAllBytes(path);
            Assert.That(bytes[..3], Is.EqualTo(Bom), $"{Path.GetFileName(path)} starts with EF BB BF");
            Assert.That(Count(bytes, Bom), Is.EqualTo(1), $"{Path.GetFileName(path)} has exactly one");
        }

        (string, string, string)[] expected =
        [
            ("ana@x.example", "Ana", "Fernández"), ("zoe@x.example", "Zoë", "Brontë"), ("lukasz@x.example", "Łukasz", "Wójcik"),
            ("yamada@x.example", "太郎", "山田"), ("broken-at-x.example", "Renée", "=Ørsted"),
        ];
        Assert.That(reports.Results().Select(r => (r.Email, r.FirstName, r.LastName)),
            Is.EqualTo(expected.Select(e => e.Item3.StartsWith('=') ? (e.Item1, e.Item2, "'" + e.Item3) : e)), "results.csv: the names, escaped like every cell");

        using var workbook = new WorkbookReadBack(reports.WorkbookPath);
        var rows = workbook.Rows("results");
        Assert.That(rows[0], Is.EqualTo(BulkOnboard.Reporting.ResultsReport.Columns));
        Assert.That(rows.Skip(1).Select(r => (r[2], r[10], r[11])), Is.EqualTo(expected), "results.xlsx: the names as written, accents and all");
        Assert.That(rows.Skip(1).Select(r => r[3]), Is.EqualTo(new[] { "created", "invited", "created", "created", "invalid" }));
        Assert.That(workbook.FrozenRows("results"), Is.EqualTo(1), "the header is frozen (a pane with ySplit 1)");
        Assert.That(workbook.Filter("results"), Is.EqualTo("A1:O6"));
        Assert.That(workbook.Widths("results"), Has.Count.EqualTo(BulkOnboard.Reporting.ResultsReport.Columns.Length).And.All.Matches<KeyValuePair<uint, double>>(w => w.Value is >= 4 and <= 60));

        // The Summary sheet says what summary.json says.
        var summary = workbook.Rows("Summary").Skip(1).ToDictionary(r => r[0], r => r[1]);
        using var json = JsonDocument.Parse(File.ReadAllText(reports.SummaryPath));
        foreach (var name in new[] { "total", "created", "invited", "invalid", "failed", "exit_code", "input_file", "input_sha256", "started_at", "elapsed_ms", "requests" })
        {
            Assert.That(summary[name], Is.EqualTo(json.RootElement.GetProperty(name).ToString()), name);
        }

        Assert.That((summary["created"], summary["invited"], summary["invalid"], summary["exit_code"]), Is.EqualTo(("3", "1", "1", "2")));
    }

    [Test]
    public async Task WithReportsExcelBomOff_TheCsvsAreBareUtf8()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var settings = CliRun.SettingsFor(sandbox);
        settings["Reports:ExcelBom"] = "false";

        var run = await CliRun.RunAsync(settings, "import", _workspace.Write("people.csv", People), "--out", _workspace.ReportFolder);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(File.ReadAllBytes(_workspace.Reports.ResultsPath)[..4], Is.EqualTo("row,"u8.ToArray()));
        Assert.That(File.ReadAllBytes(_workspace.Reports.FailedPath)[..6], Is.EqualTo("Email,"u8.ToArray()));
        Assert.That(Count(File.ReadAllBytes(_workspace.Reports.ResultsPath), Bom), Is.Zero);
        Assert.That(_workspace.Reports.Results().Single(r => r.Email == "ana@x.example").LastName, Is.EqualTo("Fernández"));
    }

    [Test]
    public async Task AFailedCsvWithItsBom_FixedAndFedBackAsItIs_ReadsItsHeader()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var first = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", _workspace.Write("people.csv", People), "--out", _workspace.ReportFolder);
        Assert.That(first.ExitCode, Is.EqualTo(2), first.ToString());

        // Fixed in place, byte order mark kept, as an editor that keeps it would save it.
        var failed = File.ReadAllBytes(_workspace.Reports.FailedPath);
        Assert.That(failed[..3], Is.EqualTo(Bom));
        var fixedBytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(failed).Replace("broken-at-x.example", "renee@x.example", StringComparison.Ordinal));
        Assert.That(fixedBytes[..3], Is.EqualTo(Bom));
        var again = Path.Combine(_workspace.Folder, "again");

        var second = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), "import", _workspace.WriteBytes("people.failed.csv", fixedBytes), "--out", again);

        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        Assert.That(new Reports(again).Results().Select(r => (r.Email, r.Outcome, r.FirstName, r.LastName)), Is.EqualTo(new[] { ("renee@x.example", "created", "Renée", "'=Ørsted") }), "escaped in results.csv as on the first run");
        var renee = sandbox.State.Guests["renee@x.example"].Fields;
        Assert.That((renee["first_name"], renee["last_name"], renee["phone_1"]), Is.EqualTo(("Renée", "=Ørsted", "-5")), "the escapes of failed.csv are taken off on the way in");
    }

    private static int Count(byte[] bytes, byte[] part)
    {
        var count = 0;
        var span = bytes.AsSpan();
        for (var at = span.IndexOf(part); at >= 0; at = span.IndexOf(part))
        {
            count++;
            span = span[(at + part.Length)..];
        }

        return count;
    }
}
