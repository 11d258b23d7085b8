using BulkOnboard.Input;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;
using ExcelDataReader;

namespace BulkOnboard.Tests.Reporting;

/// <summary>Results written as they settle, in any order: on disk at once, in input order at the end.</summary>
public class ResultsReportOrderTests
{
    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void LinesSettledOutOfOrder_AreOnDiskAsTheySettle_AndInInputOrderAtTheEnd_WithQuotedLineBreaksKept()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now);
        var report = new ResultsReport(paths, ["Email", "Note"]);
        report.Write(Row(4, Outcome.Invalid, "multi\nline note"), order: 2);
        report.Write(Row(2, Outcome.Created), order: 0);
        report.Write(new RowResult(new RawRecord(0, []), PersonKind.Member, "leaver@x.example", Outcome.Deactivated));
        report.Write(Row(3, Outcome.Failed, "a \"quoted\" note"), order: 1);
        report.Flush();

        // Killed here: every settled line is in the file already, in the order it settled.
        var asSettled = Lines(paths.Results);
        Assert.That(asSettled.Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "row", "4", "2", "", "3" }));

        report.Dispose();

        Assert.That(Lines(paths.Results).Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "row", "2", "3", "4", "" }), "rows in input order, the leaver after them");
        var failed = File.ReadAllText(paths.Failed);
        Assert.That(failed.IndexOf("a \"\"quoted\"\" note", StringComparison.Ordinal), Is.LessThan(failed.IndexOf("multi\nline note", StringComparison.Ordinal)));
        Assert.That(failed, Does.Contain("\"multi\nline note\""), "a line break inside quotes is part of its record");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void TheByteOrderMark_IsWrittenOnce_AndStaysFirst_ThroughTheOrdering(bool bom)
    {
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now, new BulkOnboard.Configuration.ReportsOptions { ExcelBom = bom });
        using (var report = new ResultsReport(paths, ["Email", "Note"]))
        {
            report.Write(Row(4, Outcome.Failed, "Fernández"), order: 2);
            report.Write(Row(2, Outcome.Invalid, "Zoë"), order: 0);
            report.Write(new RowResult(new RawRecord(0, []), PersonKind.Member, "leaver@x.example", Outcome.Deactivated));
            report.Write(Row(3, Outcome.Failed, "Łukasz"), order: 1);
            report.Rewrite(Row(3, Outcome.Failed, "山田"), order: 1);
        }

        byte[] mark = [0xEF, 0xBB, 0xBF];
        foreach (var path in new[] { paths.Results, paths.Failed })
        {
            var bytes = File.ReadAllBytes(path);
            Assert.That(Occurrences(bytes, mark), Is.EqualTo(bom ? 1 : 0), Path.GetFileName(path));
            Assert.That(bytes.AsSpan().StartsWith(mark), Is.EqualTo(bom), Path.GetFileName(path));
            Assert.That(System.Text.Encoding.UTF8.GetString(bytes.AsSpan(bom ? 3 : 0)), Does.StartWith(path == paths.Results ? "row,kind," : "Email,Note,error"));
        }

        Assert.That(Lines(paths.Results).Select(l => l.TrimStart('\uFEFF').Split(',')[0]), Is.EqualTo(new[] { "row", "2", "3", "4", "" }), "in order, the header first");
        Assert.That(Lines(paths.Failed).Skip(1).Select(l => l.Split(',')[1]), Is.EqualTo(new[] { "Zoë", "山田", "Fernández" }));
    }

    private static int Occurrences(byte[] bytes, byte[] part)
    {
        var count = 0;
        for (var at = bytes.AsSpan().IndexOf(part); at >= 0; count++)
        {
            var next = bytes.AsSpan(at + part.Length).IndexOf(part);
            at = next < 0 ? -1 : at + part.Length + next;
        }

        return count;
    }

    [Test]
    public void ALineWrittenAgain_ReplacesTheFirst_InResultsAndFailed()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.csv", DateTimeOffset.Now);
        using (var report = new ResultsReport(paths, ["Email", "Note"]))
        {
            report.Write(Row(2, Outcome.Failed, "first"), order: 0);
            report.Write(Row(3, Outcome.Invited), order: 1);
            report.Write(Row(4, Outcome.Invited), order: 2);
            report.Rewrite(Row(2, Outcome.Updated, "later"), order: 0);
            report.Rewrite(Row(3, Outcome.Failed, "profile not applied"), order: 1);
        }

        Assert.That(Lines(paths.Results).Skip(1).Select(l => (l.Split(',')[0], l.Split(',')[3])),
            Is.EqualTo(new[] { ("2", "updated"), ("3", "failed"), ("4", "invited") }));
        Assert.That(Lines(paths.Failed).Skip(1), Has.Exactly(1).Items.And.All.Contains("profile not applied"));
    }

    [Test]
    public void TheWorkbook_IsWrittenFromTheOrderedResults()
    {
        var paths = ReportPaths.Create(_files.Folder, "people.xlsx", DateTimeOffset.Now);
        Assert.That(paths.ResultsWorkbook, Is.Not.Null);
        using (var report = new ResultsReport(paths, ["Email", "Note"]))
        {
            report.Write(Row(3, Outcome.Invited, "=SUM(A1)"), order: 1);
            report.Write(Row(2, Outcome.Created), order: 0);
        }

        ReportFiles.Finish(RunSummary.Of("import", "people.xlsx", "sha", DateTimeOffset.Now, new OutcomeCounts(), 0), paths, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        using var stream = File.OpenRead(paths.ResultsWorkbook!);
        using var reader = ExcelReaderFactory.CreateReader(stream);
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue).ToArray());
        }

        Assert.That(rows.Skip(1).Select(r => (Convert.ToInt32(r[0]), (string?)r[3], (string?)r[8])),
            Is.EqualTo(new[] { (2, "created", (string?)null), (3, "invited", "=SUM(A1)") }), "in order, the message as it was (an inline string is never a formula)");
    }

    private static RowResult Row(int row, Outcome outcome, string? message = null) =>
        new(new RawRecord(row, [$"p{row}@x.example", message ?? string.Empty]), PersonKind.Guest, $"p{row}@x.example", outcome, Message: message);

    /// <summary>The file's records (a quoted line break kept inside its record).</summary>
    private static List<string> Lines(string path)
    {
        var records = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in File.ReadAllText(path))
        {
            quoted ^= c == '"';
            if (c == '\n' && !quoted)
            {
                records.Add(current.ToString().TrimEnd('\r'));
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        return records;
    }
}
