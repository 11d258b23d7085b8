using System.Text;
using BulkOnboard.Input;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Input;

/// <summary>
/// Opening a file is one pass over it (fingerprint, quoting, header, row count, scanners); its rows are the
/// second. The bytes read are counted by <see cref="InputReads"/>, the one way every input file is opened.
/// </summary>
public class FirstPassTests
{
    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void Open_QuotedCsv_ReadsTheFileOnce_AndItsRowsOnceMore()
    {
        var path = _files.Write("people.csv", People(20_000));
        var length = new FileInfo(path).Length;
        using var reads = InputReads.Start();

        using var table = Open(path);
        var afterOpening = reads.Bytes;
        var rows = table.DataRows().Count();

        Assert.That(rows, Is.EqualTo(20_000));
        Assert.That(afterOpening, Is.LessThan(length + 128 * 1024), "opening reads the file once (and the head of the second pass)");
        Assert.That(reads.Bytes, Is.EqualTo(2 * length), "fingerprint, quoting, header and count share one pass; the rows are the second");
        Assert.That(reads.Opens, Is.EqualTo(2));
    }

    [Test]
    public void ExpectedRows_AreTheRowsTheSecondPassYields()
    {
        var path = _files.Write("p.csv", "Hires export,,\nEmail,Company,Note\r\na@x.example,\"Line one\r\nline two\",\n\n , ,\n\"\",\"\"\nb@x.example,Acme,\"\"\"\"\n,,x\n");

        using var table = Open(path);

        Assert.That(table.ExpectedRows, Is.EqualTo(table.DataRows().Count()).And.EqualTo(3));
    }

    [Test]
    public void Open_Scanners_SeeEveryDataRow_BeforeTheSecondPassBegins()
    {
        var path = _files.Write("people.csv", People(5_000));
        var scanner = new Recorder();
        using var reads = InputReads.Start();

        using var table = InputTable.Open(path, new HeaderMatcher(), null, null, [scanner], CancellationToken.None);
        var scannedBeforeRows = scanner.Rows.Count;
        var rows = table.DataRows().ToList();

        Assert.That(scannedBeforeRows, Is.EqualTo(5_000));
        Assert.That(scanner.Rows.Select(r => (r.RowNumber, r.Cells[0], r.Cells[2])), Is.EqualTo(rows.Select(r => (r.RowNumber, r.Cells[0], r.Cells[2]))));
        Assert.That(reads.TimesRead(new FileInfo(path).Length), Is.EqualTo(2.0));
    }

    /// <summary>Ctrl+C while the file is counted: the pass stops at its next read of the file, before anything is sent.</summary>
    [Test]
    public void Open_StoppedDuringTheFirstPass_EndsAtItsNextRead()
    {
        var path = _files.Write("people.csv", People(40_000));
        using var stop = new CancellationTokenSource();
        long stoppedAt = 0;
        using var reads = InputReads.Start(bytes =>
        {
            if (bytes > 256 * 1024 && stoppedAt == 0)
            {
                stoppedAt = bytes;
                stop.Cancel();
            }
        });

        Assert.That(() => InputTable.Open(path, new HeaderMatcher(), null, null, [new Recorder()], stop.Token),
            Throws.TypeOf<InputException>().With.Message.Contains("reading was stopped (Ctrl+C or SIGTERM) before anything was sent"));
        Assert.That(stoppedAt, Is.GreaterThan(0).And.LessThan(new FileInfo(path).Length / 2));
        Assert.That(reads.Bytes, Is.EqualTo(stoppedAt), "not a byte read after the stop");
    }

    [Test]
    public void Open_Windows1252_ScannersSeeTheCellsTheRowsPassReads_InTwoPasses()
    {
        var path = _files.WriteBytes("legacy.csv", Windows1252("Email,Name\na@x.example,Café\nb@x.example,Strauß\n"));
        var scanner = new Recorder();
        using var reads = InputReads.Start();

        using var table = InputTable.Open(path, new HeaderMatcher(), null, null, [scanner], CancellationToken.None);

        Assert.That(scanner.Rows.Select(r => r.Cells[1]), Is.EqualTo(new[] { "Café", "Strauß" }));
        Assert.That(table.DataRows().Select(r => r.Cells[1]), Is.EqualTo(new[] { "Café", "Strauß" }));
        Assert.That(reads.TimesRead(new FileInfo(path).Length), Is.EqualTo(2.0));
    }

    /// <summary>A byte order mark settles the encoding: a byte that is not UTF-8 after it is read as the rows pass reads it.</summary>
    [Test]
    public void Open_Utf8BomWithAStrayByte_ScannersSeeWhatTheRowsPassReads()
    {
        var path = _files.WriteBytes("bom.csv", [.. new UTF8Encoding(true).GetPreamble(), .. Windows1252("Email,Name\na@x.example,Café\n")]);
        var scanner = new Recorder();

        using var table = InputTable.Open(path, new HeaderMatcher(), null, null, [scanner], CancellationToken.None);

        Assert.That(scanner.Rows.Single().Cells[1], Is.EqualTo(table.DataRows().Single().Cells[1]));
    }

    /// <summary>
    /// UTF-8 text first, a Windows-1252 byte later: the file is Windows-1252, so what the first pass decoded as
    /// UTF-8 was misread; it reads the file again, and the scanners see what the rows pass reads.
    /// </summary>
    [Test]
    public void Open_Windows1252FoundLate_AfterUtf8Text_PassesOverTheFileAgain()
    {
        var bytes = Encoding.UTF8.GetBytes("Email,Name\na@x.example,Jörg\n").Concat(Windows1252("b@x.example,Café\n")).ToArray();
        var path = _files.WriteBytes("mixed.csv", bytes);
        var scanner = new Recorder();
        using var reads = InputReads.Start();

        using var table = InputTable.Open(path, new HeaderMatcher(), null, null, [scanner], CancellationToken.None);

        Assert.That(scanner.Rows.Select(r => r.Cells[1]), Is.EqualTo(new[] { "JÃ¶rg", "Café" }));
        Assert.That(table.DataRows().Select(r => r.Cells[1]), Is.EqualTo(new[] { "JÃ¶rg", "Café" }));
        Assert.That(reads.TimesRead(bytes.Length), Is.EqualTo(3.0));
    }

    [Test]
    public void Open_Workbook_ExpectsItsSheetsRows_AndPassesOverItOnlyForAScanner()
    {
        var path = new WorkbookBuilder().Sheet("People", ["Email", "Start Date"], ["a@x.example", "2026-12-01"], null, ["b@x.example", "2027-01-04"])
            .Save(Path.Combine(_files.Folder, "people.xlsx"));
        var scanner = new Recorder();

        using (var table = InputTable.Open(path, new HeaderMatcher(), null, CancellationToken.None))
        {
            Assert.That(table.ExpectedRows, Is.EqualTo(3), "the sheet's rows below the header, the blank one too");
        }

        using (var table = InputTable.Open(path, new HeaderMatcher(), null, null, [scanner], CancellationToken.None))
        {
            Assert.That(table.ExpectedRows, Is.EqualTo(2));
            Assert.That(scanner.Rows.Select(r => r.Cells[0]), Is.EqualTo(new[] { "a@x.example", "b@x.example" }));
        }
    }

    private static string People(int rows) =>
        "Email,First Name,Company\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"p{i}@x.example,P{i},{(i % 3 == 0 ? "\"Fabrikam, Inc.\"" : "Contoso")}\n"));

    private static byte[] Windows1252(string text) => LegacyEncodings.Windows1252.GetBytes(text);

    private static InputTable Open(string path) => InputTable.Open(path, new HeaderMatcher(), null, CancellationToken.None);

    /// <summary>Keeps every row it is shown.</summary>
    private sealed class Recorder : IRowScanner
    {
        public List<RawRecord> Rows { get; } = [];

        public bool Start(ColumnMap columns)
        {
            Rows.Clear();
            return true;
        }

        public void Scan(RawRecord row) => Rows.Add(row);
    }
}
