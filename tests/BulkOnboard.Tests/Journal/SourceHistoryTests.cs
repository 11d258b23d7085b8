using System.Text;
using BulkOnboard.Input.Sources;
using BulkOnboard.Journal;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Journal;

/// <summary>The journal's record of fetched sources: the last good fetch is the gates' baseline.</summary>
public class SourceHistoryTests
{
    private const string Roster = "Email,Type\nann@x.example,member\n";

    private static readonly SourceDefinition HrSource = new(SourceKind.Http, "hr", "hr", new Uri("https://hr.test/roster.csv"), "https://hr.test/roster.csv", "hr", "roster.csv", new SourceGateSettings());

    private JournalFolder _journal = null!;

    [SetUp]
    public void SetUp() => _journal = new JournalFolder();

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [Test]
    public async Task LastGood_IsTheLatestFetchWhoseRunWasGood_WithItsShape()
    {
        Assert.That(SourceHistory.LastGood(_journal.Path, JournalFolder.Target, "hr"), Is.Null, "no journal yet");
        using var fetched = await FetchAsync(Roster);
        var start = JournalFolder.Start;

        SourceHistory.Record(_journal.Path, JournalFolder.Target, fetched, null, null, good: false, "header only", start);
        SourceHistory.Record(_journal.Path, JournalFolder.Target, fetched, new SourceShape(40, ["Email", "Type"], 0), 7, good: true, null, start.AddHours(1));
        SourceHistory.Record(_journal.Path, JournalFolder.Target, fetched, new SourceShape(2, ["Email"], 0), 8, good: false, "run ended with exit code 3", start.AddHours(2));

        var baseline = SourceHistory.LastGood(_journal.Path, JournalFolder.Target, "hr")!;

        Assert.That((baseline.FetchId, baseline.RunId, baseline.Sha256, baseline.Rows, baseline.FetchedAt), Is.EqualTo((2L, (long?)7, fetched.Sha256, 40, start.AddHours(1))));
        Assert.That(baseline.Columns, Is.EqualTo(new[] { "Email", "Type" }));
        Assert.That(fetched.Sha256, Has.Length.EqualTo(64));
        Assert.That(_journal.Scalar("SELECT etag || ' ' || size FROM source_fetches WHERE id = 2;"), Is.EqualTo($"\"e1\" {Encoding.UTF8.GetByteCount(Roster)}"));
    }

    [Test]
    public async Task LastGood_IsPerSourceAndOrganization()
    {
        using var fetched = await FetchAsync(Roster);
        SourceHistory.Record(_journal.Path, JournalFolder.Target, fetched, new SourceShape(1, ["Email"], 0), 1, good: true, null, JournalFolder.Start);

        Assert.That(SourceHistory.LastGood(_journal.Path, JournalFolder.Target, "hr"), Is.Not.Null);
        Assert.That(SourceHistory.LastGood(_journal.Path, JournalFolder.Target, "payroll"), Is.Null);
        Assert.That(SourceHistory.LastGood(_journal.Path, "https://tallyfy.test/api|org2", "hr"), Is.Null);
    }

    [Test]
    public async Task AnOlderJournal_HasNoBaseline_UntilAFetchIsRecorded_WhichMigratesIt()
    {
        _journal.Execute(string.Concat(JournalSchema.Migrations.Take(4)) + "PRAGMA user_version = 4;");
        using var fetched = await FetchAsync(Roster);

        Assert.That(SourceHistory.LastGood(_journal.Path, JournalFolder.Target, "hr"), Is.Null);
        SourceHistory.Record(_journal.Path, JournalFolder.Target, fetched, new SourceShape(1, ["Email"], 0), null, good: true, null, JournalFolder.Start);

        Assert.That(_journal.Scalar("PRAGMA user_version;"), Is.EqualTo((long)JournalSchema.CurrentVersion));
        Assert.That(SourceHistory.LastGood(_journal.Path, JournalFolder.Target, "hr")!.RunId, Is.Null);
    }

    [Test]
    public void ANewerJournal_IsRefused()
    {
        _journal.Execute("PRAGMA user_version = 99;");

        Assert.That(() => SourceHistory.LastGood(_journal.Path, JournalFolder.Target, "hr"),
            Throws.TypeOf<JournalUnavailableException>().With.Message.Contains("newer BulkOnboard (schema 99)"));
    }

    [Test]
    public async Task AFileThatIsNotAJournal_IsRefusedWhenReadOrWritten()
    {
        File.WriteAllText(_journal.Path, new string('x', 8192));
        using var fetched = await FetchAsync(Roster);

        Assert.That(() => SourceHistory.LastGood(_journal.Path, JournalFolder.Target, "hr"),
            Throws.TypeOf<JournalUnavailableException>().With.Message.Contains("cannot be read"));
        Assert.That(() => SourceHistory.Record(_journal.Path, JournalFolder.Target, fetched, null, null, good: false, null, JournalFolder.Start),
            Throws.TypeOf<JournalUnavailableException>().With.Message.Contains("cannot record the fetch of https://hr.test/roster.csv"));
        Assert.That(File.ReadAllText(_journal.Path), Is.EqualTo(new string('x', 8192)));
    }

    private static Task<FetchedSource> FetchAsync(string text) =>
        FetchedSource.CreateAsync(HrSource, 1024 * 1024, async (file, token) =>
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes(text), token);
            return new SourceMetadata("\"e1\"", JournalFolder.Start.AddDays(-1), "text/csv");
        }, CancellationToken.None);
}
