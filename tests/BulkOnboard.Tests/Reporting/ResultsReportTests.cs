using BulkOnboard.Input;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Reporting;

public class ResultsReportTests
{
    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void Write_ResultsHaveTheContractColumns()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now);
        using (var report = new ResultsReport(paths, ["Email"]))
        {
            report.Write(new RowResult(new RawRecord(2, ["a@x.example"]), PersonKind.Guest, "a@x.example", Outcome.Created, HttpStatus: 201, Attempts: 1, TallyfyId: "g1")
            {
                RequestId = "req_7f3a",
            });
            report.Write(new RowResult(new RawRecord(3, ["b@x.example"]), PersonKind.Guest, "b@x.example", Outcome.Valid));
        }

        Assert.That(File.ReadAllLines(paths.Results), Is.EqualTo(new[]
        {
            "row,kind,email,outcome,reason,http_status,attempts,tallyfy_id,message,request_id,first_name,last_name,journey,journey_outcome,process_id",
            "2,guest,a@x.example,created,,201,1,g1,,req_7f3a,,,,,",
            "3,guest,b@x.example,valid,,,0,,,,,,,,",
        }));
    }

    [Test]
    public void Write_CellsASpreadsheetWouldRunAsFormulas_AreEscaped()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now);
        using (var report = new ResultsReport(paths, ["Email", "Phone"]))
        {
            report.Write(new RowResult(new RawRecord(2, ["=HYPERLINK(\"http://evil\")", "+1 555 0100"]), PersonKind.Guest, "=HYPERLINK(\"http://evil\")",
                Outcome.Invalid, Message: "@SUM(A1) is not an email"));
        }

        var results = File.ReadAllLines(paths.Results)[1];
        var failed = File.ReadAllLines(paths.Failed)[1];
        Assert.That(results, Is.EqualTo("2,guest,\"'=HYPERLINK(\"\"http://evil\"\")\",invalid,,,0,,\"'@SUM(A1) is not an email\",,,,,,"));
        Assert.That(failed, Does.StartWith("\"'=HYPERLINK(\"\"http://evil\"\")\",\"'+1 555 0100\","));
    }

    [Test]
    public void Write_FailedFileHoldsOnlyRowsToFix_WithTheUsersColumnsAndAnError()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now);
        using (var report = new ResultsReport(paths, ["E-mail", "Given Name"]))
        {
            report.Write(new RowResult(new RawRecord(2, ["ok@x.example", "Ok"]), PersonKind.Guest, "ok@x.example", Outcome.Created));
            report.Write(new RowResult(new RawRecord(3, ["bad", "Bad"]), PersonKind.Guest, "bad", Outcome.Invalid, Message: "E-mail: 'bad' is not a valid email address"));
            report.Write(new RowResult(new RawRecord(4, ["dup@x.example", "Dup"]), PersonKind.Guest, "dup@x.example", Outcome.Skipped, "duplicate_in_file"));
            report.Write(new RowResult(new RawRecord(5, ["late@x.example"]), PersonKind.Guest, "late@x.example", Outcome.NotAttempted, Message: "not sent: shutdown"));
        }

        Assert.That(File.ReadAllLines(paths.Failed), Is.EqualTo(new[]
        {
            "E-mail,Given Name,error",
            "bad,Bad,E-mail: 'bad' is not a valid email address",
            "late@x.example,,not sent: shutdown",
        }));
    }

    [Test]
    public void Constructor_InputThatIsAFailedFile_KeepsOneErrorColumn()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.failed.csv", DateTimeOffset.Now);
        using (var report = new ResultsReport(paths, ["Email", "error"]))
        {
            report.Write(new RowResult(new RawRecord(2, ["bad", "old problem"]), null, "bad", Outcome.Invalid, Message: "new problem"));
        }

        Assert.That(File.ReadAllLines(paths.Failed), Is.EqualTo(new[] { "Email,error", "bad,new problem" }));
    }

    [Test]
    public void Write_UpdatedAndUnchanged_AppearInEveryReportFormat_AndNeedNoFixing()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.xlsx", DateTimeOffset.Now);
        using (var report = new ResultsReport(paths, ["Email"]))
        {
            report.Write(new RowResult(new RawRecord(2, ["u@x.example"]), PersonKind.Guest, "u@x.example", Outcome.Updated, HttpStatus: 200, Attempts: 3, Message: "details updated: phone_1"));
            report.Write(new RowResult(new RawRecord(3, ["s@x.example"]), PersonKind.Guest, "s@x.example", Outcome.Skipped, Outcomes.Unchanged, 200, 2));
        }

        Assert.That(File.ReadAllLines(paths.Results)[1..], Is.EqualTo(new[]
        {
            "2,guest,u@x.example,updated,,200,3,,details updated: phone_1,,,,,,",
            "3,guest,s@x.example,skipped,unchanged,200,2,,,,,,,,",
        }));
        Assert.That(File.ReadAllLines(paths.Failed), Has.Length.EqualTo(1), "nothing to fix");
        ReportFiles.Finish(RunSummary.Of("import", "people.xlsx", "sha", DateTimeOffset.Now, new OutcomeCounts(), 0), paths, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var workbook = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(paths.ResultsWorkbook!, false);
        var sheet = workbook.WorkbookPart!.Workbook.Descendants<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Single(s => s.Name == "results");
        var cells = ((DocumentFormat.OpenXml.Packaging.WorksheetPart)workbook.WorkbookPart.GetPartById(sheet.Id!)).Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Cell>().Select(c => c.InnerText).ToList();
        Assert.That(cells, Does.Contain("updated").And.Contain("unchanged"));
    }

    [Test]
    public void Create_NamesFilesAfterStemAndStartTime_WithoutOverwritingAnEarlierRun()
    {
        var start = new DateTimeOffset(2026, 11, 22, 14, 5, 9, TimeSpan.Zero);

        var first = ReportPaths.Create(_files.Folder, "/data/new-hires.xlsx", start);
        File.WriteAllText(first.Results, "taken");
        var second = ReportPaths.Create(_files.Folder, "/data/new-hires.xlsx", start);

        Assert.That(Path.GetFileName(first.Results), Is.EqualTo("new-hires.20261122-140509.results.csv"));
        Assert.That(Path.GetFileName(first.Summary), Is.EqualTo("new-hires.20261122-140509.summary.json"));
        Assert.That(Path.GetFileName(first.Failed), Is.EqualTo("new-hires.20261122-140509.failed.csv"));
        Assert.That(second.Results, Is.Not.EqualTo(first.Results));
    }
}
