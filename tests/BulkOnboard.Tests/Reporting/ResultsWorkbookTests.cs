using System.Text.Json;
using BulkOnboard.Input;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkOnboard.Tests.Reporting;

/// <summary><c>results.xlsx</c>, written for every run from the finished results.csv and the summary, read back with the OpenXML library.</summary>
public class ResultsWorkbookTests
{
    private static readonly string[] Header = ["Email", "First Name", "Last Name", "Phone"];

    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void ACsvRun_GetsAWorkbook_WithTheNamesAsWritten_AndEveryCellOfPeoplesDataText()
    {
        var paths = Write(
            Row(2, "ana@x.example", "Ana", "Fernández", Outcome.Created),
            Row(3, "zoe@x.example", "Zoë", "Brontë", Outcome.Invited),
            Row(4, "lukasz@x.example", "Łukasz", "Wójcik", Outcome.Failed),
            Row(5, "yamada@x.example", "太郎", "山田", Outcome.Skipped),
            Row(6, "0012@x.example", "0012", "=HYPERLINK(\"x\")", Outcome.Invalid));

        using var workbook = new WorkbookReadBack(paths.ResultsWorkbook!);
        Assert.That(workbook.SheetNames, Is.EqualTo(new[] { "results", "Summary" }));
        var rows = workbook.Rows("results");
        Assert.That(rows[0], Is.EqualTo(ResultsReport.Columns));
        Assert.That(rows.Skip(1).Select(r => (r[2], r[10], r[11])), Is.EqualTo(new[]
        {
            ("ana@x.example", "Ana", "Fernández"),
            ("zoe@x.example", "Zoë", "Brontë"),
            ("lukasz@x.example", "Łukasz", "Wójcik"),
            ("yamada@x.example", "太郎", "山田"),
            ("0012@x.example", "0012", "=HYPERLINK(\"x\")"),
        }), "names as the rows hold them; the formula escape of results.csv is not shown");

        // Only row, http_status and attempts (BulkOnboard's own counts) are numbers: "0012" stays "0012", never 12.
        var dataCells = workbook.Sheet("results").Descendants<Row>().Skip(1).SelectMany(r => r.Elements<Cell>().Select((c, i) => (c, i)));
        Assert.That(dataCells.Where(x => x.i is not (0 or 5 or 6) && x.c.HasChildren).Select(x => x.c.DataType?.Value), Is.All.EqualTo(CellValues.InlineString));
        Assert.That(dataCells.Where(x => !x.c.HasChildren).Select(x => x.c.DataType), Is.All.Null, "an empty cell holds no value at all");
        Assert.That(dataCells.Count(x => x.i == 10 && x.c.HasChildren), Is.EqualTo(5), "every first name is there");
        Assert.That(workbook.Cells("results").Select(c => c.CellFormula), Is.All.Null, "no cell is a formula");
    }

    [Test]
    public void TheHeader_IsFrozen_Filtered_AndColumnsAreAsWideAsTheirContent_UpToACap()
    {
        var longMessage = new string('m', 200);
        var paths = Write(
            Row(2, "a.very.long.address.indeed@example.example", "Ana", "山田山田山田山田山田", Outcome.Failed, longMessage),
            Row(3, "b@x.example", "Bo", "Li", Outcome.Created));

        using var workbook = new WorkbookReadBack(paths.ResultsWorkbook!);
        Assert.That(workbook.FrozenRows("results"), Is.EqualTo(1), "a pane with ySplit 1, frozen");
        Assert.That(workbook.Filter("results"), Is.EqualTo("A1:O3"));
        var widths = workbook.Widths("results");
        Assert.That(widths.Keys, Is.EquivalentTo(Enumerable.Range(1, ResultsReport.Columns.Length).Select(i => (uint)i)));
        Assert.That(widths[3], Is.GreaterThanOrEqualTo("a.very.long.address.indeed@example.example".Length + 1), "email");
        Assert.That(widths[9], Is.EqualTo(ResultsWorkbook.MaxWidth), "a long message is capped");
        Assert.That(widths[12], Is.GreaterThanOrEqualTo(20), "ten wide characters take twenty columns");
        Assert.That(widths[2], Is.LessThan(10), "a short column stays short");
        Assert.That(workbook.FrozenRows("Summary"), Is.EqualTo(1));
    }

    [Test]
    public void TheSummarySheet_HoldsWhatSummaryJsonHolds()
    {
        var counts = new OutcomeCounts();
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now);
        using (var report = new ResultsReport(paths, Header))
        {
            foreach (var result in new[] { Row(2, "a@x.example", "A", "A", Outcome.Created), Row(3, "b", "B", "B", Outcome.Invalid), Row(4, "c@x.example", "C", "C", Outcome.Skipped) with { Reason = "already_exists" } })
            {
                report.Write(result);
                counts.Add(result);
            }
        }

        var summary = RunSummary.Of("import", "/data/people.csv", "ab12", new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.FromHours(1)), counts, 2) with { ElapsedMs = 1234, Requests = 1 };
        ReportFiles.Finish(summary, paths, NullLogger.Instance);

        using var json = JsonDocument.Parse(File.ReadAllText(paths.Summary));
        var expected = new List<string[]>();
        foreach (var property in json.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                expected.AddRange(property.Value.EnumerateObject().Select(p => new[] { $"{property.Name}.{p.Name}", p.Value.ToString() }));
            }
            else
            {
                expected.Add([property.Name, property.Value.ToString()]);
            }
        }

        using var workbook = new WorkbookReadBack(paths.ResultsWorkbook!);
        var rows = workbook.Rows("Summary");
        Assert.That(rows[0], Is.EqualTo(new[] { "summary", "value" }));
        Assert.That(rows.Skip(1), Is.EqualTo(expected));
        Assert.That(expected.Select(e => e[0]), Is.SupersetOf(new[] { "created", "invalid", "skipped", "exit_code", "input_file", "input_sha256", "started_at", "elapsed_ms", "skipped_reasons.already_exists" }));
        var created = workbook.Cells("Summary").First(c => WorkbookReadBack.Text(c) == "created").NextSibling<Cell>()!;
        Assert.That((created.DataType?.Value ?? CellValues.Number, created.CellValue?.Text), Is.EqualTo((CellValues.Number, "1")), "counts are numbers");
    }

    [Test]
    public void TheWorkbook_IsValidOpenXml()
    {
        var paths = Write(Row(2, "ana@x.example", "Ana", "Fernández", Outcome.Created), Row(3, "bad", "=x", "y", Outcome.Invalid, "Email: 'bad' is not a valid email address"));

        using var workbook = new WorkbookReadBack(paths.ResultsWorkbook!);
        var errors = new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(workbook.Document).Select(e => $"{e.Path?.XPath}: {e.Description}");
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void ControlCharacters_AreWrittenAsTheFormatsEscapes_AndReadBackAsThemselves()
    {
        var paths = Write(Row(2, "bad\u001b[2J", "Ann\u0007", "_x0041_ Smith", Outcome.Invalid, "Tallyfy said \u0001 \ud800 no"));

        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        using var stream = File.OpenRead(paths.ResultsWorkbook!);
        using var reader = ExcelDataReader.ExcelReaderFactory.CreateReader(stream);
        reader.Read();
        reader.Read();
        Assert.That(((string)reader.GetValue(2), (string)reader.GetValue(10), (string)reader.GetValue(11), (string)reader.GetValue(8)),
            Is.EqualTo(("bad\u001b[2J", "Ann\u0007", "_x0041_ Smith", "Tallyfy said \u0001 \uFFFD no")), "as Excel reads them");
    }

    [Test]
    public void MoreLinesThanASheetHolds_NoWorkbook_RatherThanOneCutShort()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now);
        using (var report = new ResultsReport(paths, Header))
        {
            report.Write(Row(2, "a@x.example", "A", "A", Outcome.Created));
            report.Write(Row(3, "b@x.example", "B", "B", Outcome.Created));
        }

        var lines = ResultsWorkbook.Write(paths.ResultsWorkbook!, paths.Results, RunSummary.Of("import", "people.csv", "sha", DateTimeOffset.Now, new OutcomeCounts(), 0), maxLines: 1);

        Assert.That(lines, Is.EqualTo(2));
        Assert.That(File.Exists(paths.ResultsWorkbook), Is.False);
    }

    [Test]
    public void ARunPastReportsWorkbookMaxRows_GetsNoWorkbook_AndTheRestOfItsReports()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now, new BulkOnboard.Configuration.ReportsOptions { WorkbookMaxRows = 2 });
        var counts = new OutcomeCounts();
        using (var report = new ResultsReport(paths, Header))
        {
            foreach (var (row, email) in new[] { (2, "a@x.example"), (3, "b@x.example"), (4, "c@x.example") })
            {
                var result = Row(row, email, "A", "A", Outcome.Created);
                report.Write(result);
                counts.Add(result);
            }
        }

        ReportFiles.Finish(RunSummary.Of("import", "people.csv", "sha", DateTimeOffset.Now, counts, 0), paths, NullLogger.Instance);

        Assert.That(File.Exists(paths.ResultsWorkbook), Is.False, "3 lines are more than Reports:WorkbookMaxRows=2");
        Assert.That(File.Exists(paths.Summary), Is.True, "the summary is written all the same");

        var fits = ReportPaths.Create(_files.Folder, "fits.csv", DateTimeOffset.Now, new BulkOnboard.Configuration.ReportsOptions { WorkbookMaxRows = 3 });
        File.Copy(paths.Results, fits.Results);
        ReportFiles.Finish(RunSummary.Of("import", "fits.csv", "sha", DateTimeOffset.Now, counts, 0), fits, NullLogger.Instance);
        Assert.That(File.Exists(fits.ResultsWorkbook), Is.True, "3 lines fit 3");
    }

    [Test]
    public void ALineOfNoRow_CarriesTheNamesItWasGiven()
    {
        var paths = Write(new RowResult(new RawRecord(0, []), PersonKind.Member, "leaver@x.example", Outcome.Deactivated) { FirstName = "Renée", LastName = "Ørsted" });

        Assert.That(File.ReadAllLines(paths.Results)[1], Does.EndWith(",Renée,Ørsted,,,"));
    }

    [Test]
    public void TheNames_AreReadThroughTheInputsColumns_WhateverTheyAreCalled()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now);
        using (var report = new ResultsReport(paths, ["Surname", "E-Mail", "Given Name"]))
        {
            report.Write(new RowResult(new RawRecord(2, ["Fernández", "ana@x.example", " Ana "]), PersonKind.Guest, "ana@x.example", Outcome.Valid));
        }

        Assert.That(File.ReadAllLines(paths.Results)[1], Does.EndWith(",Ana,Fernández,,,"));
    }

    private ReportPaths Write(params RowResult[] results)
    {
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now);
        var counts = new OutcomeCounts();
        using (var report = new ResultsReport(paths, Header))
        {
            foreach (var result in results)
            {
                report.Write(result);
                counts.Add(result);
            }
        }

        ReportFiles.Finish(RunSummary.Of("import", "people.csv", "sha", DateTimeOffset.Now, counts, 0), paths, NullLogger.Instance);
        return paths;
    }

    private static RowResult Row(int row, string email, string first, string last, Outcome outcome, string? message = null) =>
        new(new RawRecord(row, [email, first, last, "+52 55 1234 5678"]), PersonKind.Guest, email, outcome, Message: message);
}
