using System.Text;
using BulkOnboard.Input;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Input;

public class InputTableTests
{
    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void Open_TitleRowsAboveHeader_FindsHeaderAndNumbersRowsAsASpreadsheet()
    {
        var path = _files.Write("hires.csv", "New hires export,,\nGenerated 2026-11-01,,\nEmail,First Name,Last Name\na@x.example,Ann,Lee\nb@x.example,Bo,Kim\n");

        using var table = Open(path);
        var rows = table.DataRows().ToList();

        Assert.That(table.Columns.HeaderRowNumber, Is.EqualTo(3));
        Assert.That(rows.Select(r => r.RowNumber), Is.EqualTo(new[] { 4, 5 }));
        Assert.That(rows[0].Cells, Is.EqualTo(new[] { "a@x.example", "Ann", "Lee" }));
    }

    /// <summary>A stop (Ctrl+C, SIGTERM) after opening does not end the reading: every row is still reported, not_attempted.</summary>
    [Test]
    public void DataRows_AfterTheStopIsRequested_StillYieldsEveryRow()
    {
        var path = _files.Write("many.csv", "Email\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"p{i}@x.example\n")));
        using var stop = new CancellationTokenSource();
        using var table = InputTable.Open(path, new HeaderMatcher(), null, stop.Token);

        stop.Cancel();

        Assert.That(table.DataRows().Count(), Is.EqualTo(5000));
    }

    [Test]
    public void DataRows_TextAfterAClosingQuote_MarksThatRecordOnly()
    {
        var path = _files.Write("garbled.csv", "Email,First Name\na@x.example,Ann\n\"b@x.example\"z,Bob\nc@x.example,Cy\n");
        using var table = InputTable.Open(path, new HeaderMatcher(), null, CancellationToken.None);

        var rows = table.DataRows().ToList();

        Assert.That(rows.Select(r => r.Problem is not null), Is.EqualTo(new[] { false, true, false }));
        Assert.That(rows[1].RowNumber, Is.EqualTo(3));
    }

    [Test]
    public void DataRows_BlankLinesCountAsRows_QuotedLineBreaksDoNot()
    {
        var path = _files.Write("p.csv", "Email,Company\r\na@x.example,\"Line one\r\nline two\"\r\n\r\nb@x.example,Acme\r\n");

        using var table = Open(path);
        var rows = table.DataRows().ToList();

        Assert.That(rows.Select(r => r.RowNumber), Is.EqualTo(new[] { 2, 4 }));
        Assert.That(rows[0].Cells[1], Is.EqualTo("Line one\r\nline two"));
    }

    [Test]
    public void Open_SemicolonsWithUtf8Bom_DetectsDialect()
    {
        var path = _files.Write("eu.csv", "E-Mail;Vorname;Nachname\nj.mueller@x.example;Jörg;Müller\n", new UTF8Encoding(true));

        using var table = Open(path);
        var row = table.DataRows().Single();

        Assert.That(table.Columns.HeaderCells[0], Is.EqualTo("E-Mail"), "the BOM is not glued to the first header");
        Assert.That(row.Cells[2], Is.EqualTo("Müller"));
        Assert.That(table.Description, Does.Contain("';'").And.Contain("BOM"));
    }

    [Test]
    public void Open_Utf16LittleEndianWithTabs_ReadsUnicodeText()
    {
        var path = _files.Write("unicode.txt", "Email\tFirst Name\nzoe@x.example\tZoë\n", new UnicodeEncoding(false, true));

        using var table = Open(path);

        Assert.That(table.DataRows().Single().Cells, Is.EqualTo(new[] { "zoe@x.example", "Zoë" }));
        Assert.That(table.Description, Does.Contain("UTF-16 LE").And.Contain("tab"));
    }

    [Test]
    public void Open_Windows1252Bytes_AreDecodedAsWindows1252()
    {
        var bytes = Encoding.Latin1.GetBytes("Email,Name,Company\ns@x.example,Strauß Éloïse Åsa,Caf\u00e9 ")
            .Concat(new byte[] { 0x80 }) // € in Windows-1252, not in Latin-1
            .Concat(Encoding.ASCII.GetBytes("\n")).ToArray();
        var path = _files.WriteBytes("legacy.csv", bytes);

        using var table = Open(path);
        var row = table.DataRows().Single();

        Assert.That(row.Cells[1], Is.EqualTo("Strauß Éloïse Åsa"));
        Assert.That(row.Cells[2], Is.EqualTo("Café €"));
        Assert.That(table.Description, Does.Contain("Windows-1252"));
    }

    [Test]
    public void Open_EmptyFile_SaysSo() =>
        Assert.That(() => Open(_files.Write("empty.csv", "")), Throws.TypeOf<InputException>().With.Message.Contains("empty"));

    [Test]
    public void Open_HeaderOnly_SaysThereAreNoDataRows() =>
        Assert.That(() => Open(_files.Write("h.csv", "Email,First Name\n\n")), Throws.TypeOf<InputException>().With.Message.Contains("no data rows"));

    [Test]
    public void Open_NoEmailColumn_NamesTheExpectedHeadersAndWhatWasFound() =>
        Assert.That(() => Open(_files.Write("n.csv", "Name,Phone\nAnn,123\n")),
            Throws.TypeOf<InputException>().With.Message.Contains("Email Address").And.Message.Contains("Name, Phone"));

    [Test]
    public void Open_BinaryJunkNamedCsv_IsRefused()
    {
        var junk = new byte[4096];
        new Random(7).NextBytes(junk);
        Assert.That(() => Open(_files.WriteBytes("photo.csv", junk)), Throws.TypeOf<InputException>().With.Message.Contains("not a text file"));
    }

    [Test]
    public void Open_MissingFile_SaysNotFound() =>
        Assert.That(() => Open(Path.Combine(_files.Folder, "nope.csv")), Throws.TypeOf<InputException>().With.Message.Contains("not found"));

    [Test]
    public void Open_UnsupportedExtension_ListsTheSupportedOnes() =>
        Assert.That(() => Open(_files.Write("people.pdf", "Email\na@x.example\n")),
            Throws.TypeOf<InputException>().With.Message.Contains(".pdf").And.Message.Contains(".csv"));

    [Test]
    public void Columns_ListUnknownColumnsAndKeepUserNames()
    {
        using var table = Open(_files.Write("c.csv", "Work Email,Surname,Badge Colour\na@x.example,Lee,blue\n"));

        Assert.That(table.Columns.UnknownColumns, Is.EqualTo(new[] { "Badge Colour" }));
        Assert.That(table.Columns.DisplayName(Field.LastName), Is.EqualTo("Surname"));
        Assert.That(table.Columns.Get(table.DataRows().Single().Cells, Field.LastName), Is.EqualTo("Lee"));
    }

    private static InputTable Open(string path) => InputTable.Open(path, new HeaderMatcher(), null, CancellationToken.None);
}
