using System.Text;
using BulkOnboard.Input;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Input;

/// <summary>
/// FastCSV's RFC 4180 spec, its BOM files, and ExcelDataReader's CSV samples (the test Corpora folder).
/// Where BulkOnboard chooses differently it is on purpose and said here: no comment syntax (a '#' is
/// data in a people file), and blank rows are not data (they are compared after dropping them).
/// </summary>
public class CsvCorpusConformanceTests
{
    private static readonly string[] NotApplicable = ["comments-read", "comments-skip"];

    public static IEnumerable<TestCaseData> SpecChecks() =>
        Directory.GetFiles(Path.Combine(TestFiles.Corpora, "fastcsv-spec", "spec"), "*.yaml").Order()
            .Where(f => !NotApplicable.Contains(Path.GetFileNameWithoutExtension(f)))
            .SelectMany(FastCsvSpec.Load)
            .Select(c => new TestCaseData(c).SetName($"{c.File}: {c.Id}"));

    [TestCaseSource(nameof(SpecChecks))]
    public void FastCsvSpec_RecordsMatch(FastCsvCheck check)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fastcsv-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, check.Input, new UTF8Encoding(false));
        try
        {
            var expected = check.Records.Where(r => !r.All(string.IsNullOrWhiteSpace)).ToList();
            List<string[]> actual;
            try
            {
                actual = Read(path).Where(r => !r.IsBlank).Select(r => r.Cells).ToList();
            }
            catch (InputException) when (check.ExceptionAllowed)
            {
                return; // the spec allows a strict parser to refuse this input
            }

            Assert.That(actual, Is.EqualTo(expected));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase("utf8_nobom.csv")]
    [TestCase("utf8_bom.csv")]
    [TestCase("utf16le_bom.csv")]
    [TestCase("utf16be_bom.csv")]
    [TestCase("utf32le_bom.csv")]
    [TestCase("utf32be_bom.csv")]
    public void BomFiles_HeaderHasNoBomGlued_AndTextIsDecoded(string file)
    {
        var records = Read(Path.Combine(TestFiles.Corpora, "fastcsv-spec", "bom", file));

        Assert.That(records[0].Cells, Is.EqualTo(new[] { "foo", "üÜß" }));
        Assert.That(records[1].Cells, Is.EqualTo(new[] { "123", "456" }));
    }

    [TestCase("utf8.csv")]
    [TestCase("utf8_bom.csv")]
    [TestCase("utf16le_bom.csv")]
    [TestCase("utf16be_bom.csv")]
    public void ExcelDataReaderSamples_EncodingFromBom(string file) =>
        Assert.That(Read(Sample(file)).Where(r => !r.IsBlank).Select(r => r.Cells), Is.EqualTo(new[] { new[] { "a", "b", "c" }, ["1", "2", "3"], ["4", "5", "ʤ"] }));

    [Test]
    public void ExcelDataReaderSamples_Cp1252WithoutBom_IsWindows1252() =>
        Assert.That(Read(Sample("cp1252.csv")).Where(r => !r.IsBlank).Last().Cells[^1], Is.EqualTo("æøå"));

    [Test]
    public void ExcelDataReaderSamples_SemicolonsAreDetected() =>
        Assert.That(Read(Sample("Test_git_issue578.csv"))[0].Cells, Is.EqualTo(new[] { "1", "2", "3", "4", "5" }));

    [Test]
    public void ExcelDataReaderSamples_PipesAreDetected()
    {
        var records = Read(Sample("ean.txt")).Where(r => !r.IsBlank).ToList();

        Assert.That(records, Has.Count.EqualTo(2));
        Assert.That(records.Select(r => r.Cells.Length), Is.All.EqualTo(24));
    }

    [Test]
    public void ExcelDataReaderSamples_PeopleList_ReadsEveryRowWithApostrophes()
    {
        var path = Sample("MOCK_DATA.csv");
        using var table = InputTable.Open(path, new HeaderMatcher(), null, CancellationToken.None);
        var rows = table.DataRows().ToList();

        Assert.That(rows, Has.Count.EqualTo(1000));
        Assert.That(table.Columns.Get(rows[16].Cells, Field.Email), Does.StartWith("cblanningg@so-net."), "upstream's Rows[17] counts the header as row 0");
        Assert.That(rows.Select(r => table.Columns.Get(r.Cells, Field.LastName)), Has.Some.StartsWith("O'"));
        Assert.That(rows[^1].RowNumber, Is.EqualTo(1001));
    }

    [Test]
    public void ExcelDataReaderSamples_NulBytesInAField_AreKeptAsData()
    {
        var records = Read(Sample("simple_whitespace_null.csv")).Where(r => !r.IsBlank).ToList();

        // Upstream states its expectation "with default trimming" (spaces and tabs); fields are trimmed when mapped.
        Assert.That(records[0].Cells.Select(c => c.Trim(' ', '\t')), Is.EqualTo(new[] { "a", "\0b\0", "c" }));
        Assert.That(records[1].Cells, Is.EqualTo(new[] { "1", "2", "3" }));
    }

    [Test]
    public void LoneCarriageReturns_EndRecords()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cr-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "Email,Name\ra@x.example,Ann\rb@x.example,Bo\r");
        try
        {
            Assert.That(Read(path).Select(r => r.Cells[0]), Is.EqualTo(new[] { "Email", "a@x.example", "b@x.example" }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Sample(string file) => Path.Combine(TestFiles.Corpora, "excel-exceldatareader", "csv", file);

    private static List<RawRecord> Read(string path)
    {
        using var reader = CsvTableReader.Open(path);
        return reader.ReadRecords(CancellationToken.None).ToList();
    }
}
