using BulkOnboard.Input;
using BulkOnboard.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Journal;

/// <summary>Who BulkOnboard onboarded is recorded once, from Tallyfy's answer, and never taken from a later outcome.</summary>
public class ProvenanceTests
{
    private string _folder = null!;
    private string _path = null!;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "bulkonboard-provenance", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _path = Path.Combine(_folder, "journal.db");
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task ACreation_StaysBulkOnboards_ThroughForceAndUpdates_AndAnUpdateOrALinkNeverMakesAPersonOurs()
    {
        await using (var first = Open())
        {
            await first.RecordAsync(PersonKind.Guest, "ours@x.example", 2, "created", null, "1", maybeApplied: false, onboarded: true);
            await first.RecordAsync(PersonKind.Member, "invited@x.example", 3, "invited", null, "2", maybeApplied: false, onboarded: true);
            await first.RecordAsync(PersonKind.Guest, "updated@x.example", 4, "updated", null, "3", maybeApplied: false, onboarded: false);
            await first.RecordAsync(PersonKind.Guest, "linked@x.example", 5, "created", null, "4", maybeApplied: false, onboarded: false);
        }

        await using (var forced = Open())
        {
            await forced.RecordAsync(PersonKind.Guest, "ours@x.example", 2, "skipped", "already_exists", null, maybeApplied: false);
            await forced.RecordAsync(PersonKind.Member, "invited@x.example", 3, "skipped", "unchanged", null, maybeApplied: false);
        }

        await using var journal = Open();
        Assert.That(journal.Onboarded(), Is.EquivalentTo(new[] { (PersonKind.Guest, "ours@x.example"), (PersonKind.Member, "invited@x.example") }));
        Assert.That(journal.KnownNotOnboarded().Keys, Is.EquivalentTo(new[] { (PersonKind.Guest, "updated@x.example"), (PersonKind.Guest, "linked@x.example") }));
    }

    [Test]
    public async Task ASchema3Journal_IsMigrated_TakingOnlyCreationsAndInvitations()
    {
        using (var old = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = string.Concat(JournalSchema.Migrations.Take(3)) + """
                PRAGMA user_version = 3;
                INSERT INTO runs (target, file_name, file_sha256, started_at, host, pid) VALUES ('t', 'old.csv', 'x', '2026-01-01', 'h', 1);
                INSERT INTO people VALUES ('t', 'guest', 'created@x.example', 'done', 'created', 1, 2, '1', '2026-01-01');
                INSERT INTO people VALUES ('t', 'member', 'invited@x.example', 'done', 'invited', 1, 3, '2', '2026-01-01');
                INSERT INTO people VALUES ('t', 'guest', 'updated@x.example', 'done', 'updated', 1, 4, '3', '2026-01-01');
                INSERT INTO people VALUES ('t', 'guest', 'existed@x.example', 'done', 'skipped:already_exists', 1, 5, null, '2026-01-01');
                INSERT INTO people VALUES ('t', 'member', 'lost@x.example', 'in_flight', 'failed', 1, 6, null, '2026-01-01');
                INSERT INTO sync_absences VALUES ('t', 'member', 'gone@x.example', 1);
                """;
            command.ExecuteNonQuery();
        }

        await using var journal = Open();

        Assert.That(journal.Onboarded(), Is.EquivalentTo(new[] { (PersonKind.Guest, "created@x.example"), (PersonKind.Member, "invited@x.example") }));
        var absence = journal.Absences()[(PersonKind.Member, "gone@x.example")];
        Assert.That((absence.Rosters, absence.Since, absence.LastRosterSha256), Is.EqualTo((1, (DateTimeOffset?)null, (string?)null)), "a schema-3 absence's clock starts again");
    }

    private RunJournal Open() => RunJournal.Open(_path, "t", "roster.csv", "sha", forced: false, _time, NullLogger.Instance);
}
