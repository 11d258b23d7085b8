using BulkOnboard.Input;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Input;

public class ExcelInputTests
{
    private static readonly string Corpus = Path.Combine(TestFiles.Corpora, "excel-exceldatareader");
    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void Open_HrWorkbook_ShowsNumbersAndDatesAsTheUserSeesThem()
    {
        var path = new WorkbookBuilder().Sheet("New hires",
            ["New hires, December 2026"],
            null,
            ["Employee ID", "Email", "First Name", "Mobile", "Start Date", "Salary band"],
            [new Formatted(42, "000000"), "jorg.muller@contoso.example", "Jörg", 4915112345678d, new DateTime(2026, 12, 1), 2.5],
            null,
            [new Formatted(1234, "000000"), "ana@contoso.example", "Ana", 2125550123L, new DateTime(2027, 1, 4), 3d])
            .Save(Path.Combine(_files.Folder, "hires.xlsx"));

        using var table = InputTable.Open(path, new HeaderMatcher(), null, CancellationToken.None);
        var rows = table.DataRows().ToList();

        Assert.That(table.Columns.HeaderRowNumber, Is.EqualTo(3));
        Assert.That(table.Description, Does.Contain("sheet 'New hires'"));
        Assert.That(rows.Select(r => r.RowNumber), Is.EqualTo(new[] { 4, 6 }), "numbered as Excel shows them; the empty row is skipped");
        Assert.That(rows[0].Cells, Is.EqualTo(new[] { "000042", "jorg.muller@contoso.example", "Jörg", "4915112345678", "2026-12-01", "2.5" }));
        Assert.That(rows[1].Cells[3], Is.EqualTo("2125550123"));
    }

    [Test]
    public void Open_SheetOption_ReadsThatSheet_AndAnUnknownSheetListsTheOthers()
    {
        var path = new WorkbookBuilder()
            .Sheet("Instructions", ["Fill in the second sheet"])
            .Sheet("People", ["Email"], ["p@x.example"])
            .Save(Path.Combine(_files.Folder, "two.xlsx"));

        using (var table = InputTable.Open(path, new HeaderMatcher(), "people", CancellationToken.None))
        {
            Assert.That(table.DataRows().Single().Cells, Is.EqualTo(new[] { "p@x.example" }));
        }

        Assert.That(() => InputTable.Open(path, new HeaderMatcher(), "Staff", CancellationToken.None),
            Throws.TypeOf<InputException>().With.Message.Contains("no sheet named 'Staff'").And.Message.Contains("'Instructions', 'People'"));
        Assert.That(() => InputTable.Open(path, new HeaderMatcher(), null, CancellationToken.None),
            Throws.TypeOf<InputException>().With.Message.Contains("no email column"), "the first sheet is read by default");
    }

    [Test]
    public void Xls_Biff8_ReadsNumbersDatesAndText()
    {
        var cells = Records(Path.Combine(Corpus, "xls", "Test_num_double_date_bool_string.xls")).First(r => r.RowNumber == 1).Cells;

        Assert.That(cells[..4], Is.EqualTo(new[] { "1", "1.02", "2009-05-11", "1" }));
        Assert.That(cells[4], Is.EqualTo("next value is null"));
    }

    [TestCase("xls/TestUnicodeChars.xls")]
    [TestCase("xlsx/TestUnicodeChars.xlsx")]
    public void Workbook_UnicodeText_IsKept(string file) =>
        Assert.That(Records(Path.Combine(Corpus, file)).Single(r => r.RowNumber == 2).Cells[0], Is.EqualTo("éЗ"));

    [Test]
    public void Xlsx_FirstSheetIsTheFirstInWorkbookOrder() =>
        Assert.That(Records(Path.Combine(Corpus, "xlsx", "TestMultiSheet.xlsx")).First().Cells, Is.All.EqualTo("1"), "Sheet2 comes first in this workbook");

    [Test]
    public void Xlsx_1904DateSystem_GivesTheDateExcelShows() =>
        Assert.That(Records(Path.Combine(Corpus, "xlsx", "Test_git_Issue_649_Date1904_Parsings.xlsx")).Single(r => r.RowNumber == 12).Cells[12], Is.EqualTo("2023-09-01"));

    [Test]
    public void Xlsx_IdeographicSpaces_AreReturnedUnchanged() =>
        Assert.That(Records(Path.Combine(Corpus, "xlsx", "Test_FullWidthSpace.xlsx")).First().Cells[0], Is.EqualTo("\u3000\u3000text\u3000\u3000"));

    [Test]
    public void Xlsx_NumbersStoredAsText_StayText() =>
        Assert.That(Records(Path.Combine(Corpus, "xlsx", "Format49_@.xlsx")).First().Cells[..2], Is.EqualTo(new[] { "2010-05-05", "1.1" }));

    [TestCase("xlsx/agile_AES128_SHA1_CBC_pwd_password.xlsx", "password-protected")]
    [TestCase("xls/Test_git_issue_242_xor_pwd_password.xls", "password-protected")]
    [TestCase("xlsx/EmptyZipFile.xlsx", "not a readable Excel workbook")]
    [TestCase("xls/Test_git_issue_382_oom.xls", "not a readable Excel workbook")]
    public void Open_ProtectedOrDamagedWorkbook_SaysWhatIsWrong(string file, string expected) =>
        Assert.That(() => InputTable.Open(Path.Combine(Corpus, file), new HeaderMatcher(), null, CancellationToken.None),
            Throws.TypeOf<InputException>().With.Message.Contains(expected));

    [Test]
    public void Open_TextFileNamedXlsx_IsNotAReadableWorkbook() =>
        Assert.That(() => InputTable.Open(_files.Write("fake.xlsx", "Email\na@x.example\n"), new HeaderMatcher(), null, CancellationToken.None),
            Throws.TypeOf<InputException>().With.Message.Contains("not a readable Excel workbook"));

    [TestCase(4915112345678d, "General", "4915112345678")]
    [TestCase(2125550123d, null, "2125550123")]
    [TestCase(42d, "000000", "000042")]
    [TestCase(1.02d, "General", "1.02")]
    [TestCase(2.2000000000000002d, "General", "2.2")]
    [TestCase(-7d, "General", "-7")]
    public void Format_Numbers(double value, string? format, string expected) => Assert.That(ExcelCellText.Format(value, format), Is.EqualTo(expected));

    private static List<RawRecord> Records(string path)
    {
        using var reader = new ExcelTableReader(path, null);
        return reader.ReadRecords(CancellationToken.None).Where(r => !r.IsBlank).ToList();
    }
}
