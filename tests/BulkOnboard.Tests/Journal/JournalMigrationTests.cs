using BulkOnboard.Plan;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Journal;

/// <summary>Journals written by older BulkOnboards are migrated forward; a newer one, or a file that is not a journal, is refused and left as it was.</summary>
public class JournalMigrationTests
{
    private JournalFolder _journal = null!;

    [SetUp]
    public void SetUp() => _journal = new JournalFolder();

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [Test]
    public async Task ANewJournal_IsCreatedAtTheCurrentSchema_WithEveryTable()
    {
        await using (_journal.Open())
        {
        }

        Assert.That(_journal.Scalar("PRAGMA user_version;"), Is.EqualTo((long)JournalSchema.CurrentVersion));
        Assert.That(JournalSchema.CurrentVersion, Is.EqualTo(9), "a new migration needs a test from the schema before it");
        Assert.That(Tables(), Is.SupersetOf(new[]
        {
            "runs", "people", "run_lock", "sync_rosters", "sync_absences", "sync_actions", "sync_group_members",
            "onboarded", "api_caps", "api_cap_sends", "due_actions", "source_fetches", "sync_managers", "journey_launches", "identities",
        }));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    [TestCase(7)]
    [TestCase(8)]
    public async Task AnOlderJournal_IsMigratedForward_KeepingItsPeopleAndRuns(int version)
    {
        BuildOldJournal(version, """
            INSERT INTO runs (target, file_name, file_sha256, started_at, host, pid) VALUES ('t', 'old.csv', 'x', '2026-01-01T00:00:00Z', 'h', 1);
            INSERT INTO people VALUES ('t', 'guest', 'created@x.example', 'done', 'created', 1, 2, 'g-1', '2026-01-01T00:00:00Z');
            INSERT INTO people VALUES ('t', 'member', 'lost@x.example', 'in_flight', NULL, 1, 3, NULL, '2026-01-01T00:00:00Z');
            """);

        await using (var run = RunJournal.Open(_journal.Path, "t", "new.csv", "sha", forced: true, _journal.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, command: "sync"))
        {
            Assert.That(run.RunId, Is.EqualTo(2));
            Assert.That(run.Find(PersonKind.Guest, "created@x.example"), Is.EqualTo(new JournalEntry("done", "created", 1, "2026-01-01T00:00:00Z", "g-1")));
            Assert.That(run.Find(PersonKind.Member, "lost@x.example")!.WasInFlight, Is.True);
            if (version < 4)
            {
                Assert.That(run.Onboarded(), Is.EquivalentTo(new[] { (PersonKind.Guest, "created@x.example") }), "provenance taken from the last outcome on the way to schema 4");
            }
        }

        Assert.That(_journal.Scalar("PRAGMA user_version;"), Is.EqualTo((long)JournalSchema.CurrentVersion));
        Assert.That(Tables(), Does.Contain("journey_launches").And.Contain("identities"), "schema 8: each journey's launch per person; 9: each HR key's identities");
        var runs = JournalHistory.RecentRuns(_journal.Path, 10);
        Assert.That(runs.Select(r => (r.Id, Path.GetFileName(r.FileName), r.Forced)), Is.EqualTo(new[] { (2L, "new.csv", true), (1L, "old.csv", false) }));
        Assert.That(JournalHistory.IsSyncRun(_journal.Path, "t", 2), Is.True, "the command column added by schema 3 is written");
        Assert.That(JournalHistory.IsSyncRun(_journal.Path, "t", 1), Is.False, "an old run counts as the import it was");
    }

    [Test]
    public async Task ASchema4Journal_GainsSourceFetches()
    {
        BuildOldJournal(4, string.Empty);

        await using (_journal.Open())
        {
        }

        Assert.That(Tables(), Does.Contain("source_fetches"));
        Assert.That(_journal.Scalar("SELECT COUNT(*) FROM source_fetches;"), Is.EqualTo(0L));
    }

    [Test]
    public async Task ASchema6Journal_GainsTheManagersARosterNamed_RememberedAcrossRuns()
    {
        BuildOldJournal(6, string.Empty);

        await using (var run = _journal.Open("roster.csv", command: "sync"))
        {
            Assert.That(run.Managers(), Is.Empty);
            await run.RecordRosterAsync(2, "roster-a", new Dictionary<(PersonKind, string), Absence>(),
                new Dictionary<string, string?> { ["ann@x.example"] = "bob@x.example", ["bob@x.example"] = "cy@x.example", ["cy@x.example"] = "dee@x.example" });
        }

        await using (var run = _journal.Open("roster.csv", command: "sync"))
        {
            // A later roster without Ann keeps what the journal knew of her; Bob's manager changes; Cy's row names none now.
            await run.RecordRosterAsync(1, "roster-b", new Dictionary<(PersonKind, string), Absence>(),
                new Dictionary<string, string?> { ["bob@x.example"] = "dee@x.example", ["cy@x.example"] = null });
        }

        await using var next = _journal.Open("roster.csv", command: "sync");
        Assert.That(next.Managers(), Is.EquivalentTo(new Dictionary<string, string> { ["ann@x.example"] = "bob@x.example", ["bob@x.example"] = "dee@x.example" }));
    }

    [Test]
    public void AMigrationThatFails_LeavesTheJournalAtItsVersion_WithNothingOfTheStepApplied()
    {
        // A schema-3 journal whose sync_absences table is gone: migration 4 cannot alter it.
        BuildOldJournal(3, "DROP TABLE sync_absences;");

        var refused = Assert.Throws<JournalUnavailableException>(() => _journal.Open());

        Assert.That(refused!.Message, Does.Contain(_journal.Path).And.Contain("will not replace it").And.Contain("Journal:Path"));
        Assert.That(_journal.Scalar("PRAGMA user_version;"), Is.EqualTo(3L));
        Assert.That(Tables(), Does.Not.Contain("onboarded").And.Not.Contain("api_caps"), "the failed step was rolled back whole");
    }

    [Test]
    public void AJournalFromANewerBulkOnboard_IsRefused_AndLeftAsItWas()
    {
        BuildOldJournal(9, """
            PRAGMA user_version = 10;
            INSERT INTO runs (target, file_name, file_sha256, started_at, host, pid) VALUES ('t', 'future.csv', 'x', '2027-01-01T00:00:00Z', 'h', 1);
            """);

        var refused = Assert.Throws<JournalUnavailableException>(() => _journal.Open());

        Assert.That(refused!.Message, Does.Contain("newer BulkOnboard (schema 10, this one knows 9)").And.Contain("Journal:Path"));
        Assert.That((_journal.Scalar("PRAGMA user_version;"), _journal.Scalar("SELECT group_concat(file_name) FROM runs;")), Is.EqualTo((10L, (object)"future.csv")),
            "no migration, no run started");
        Assert.That(() => JournalHistory.RecentRuns(_journal.Path, 5), Throws.TypeOf<JournalUnavailableException>().With.Message.Contains("has schema 10"));
    }

    [Test]
    public void AFileThatIsNotSQLite_IsRefusedWithAClearLine_AndNotReplaced()
    {
        const string Text = "email,first_name\nann@x.example,Ann\n";
        File.WriteAllText(_journal.Path, Text + new string('x', 4096));

        var refused = Assert.Throws<JournalUnavailableException>(() => _journal.Open());

        Assert.That(refused!.Message, Does.StartWith($"the journal {_journal.Path} cannot be used (").And.Contain("not a database").And.Contain("move it aside"));
        Assert.That(File.ReadAllText(_journal.Path), Does.StartWith(Text), "never replaced");
        Assert.That(() => JournalHistory.RecentRuns(_journal.Path, 5), Throws.TypeOf<JournalUnavailableException>().With.Message.Contains("cannot be read"));
    }

    [Test]
    public void AnOlderJournal_IsNotReadByHistory_UntilARunMigratesIt()
    {
        BuildOldJournal(3, string.Empty);

        Assert.That(() => JournalHistory.RecentRuns(_journal.Path, 5),
            Throws.TypeOf<JournalUnavailableException>().With.Message.Contains("has schema 3; run an import with this BulkOnboard to migrate it"));
        Assert.That(_journal.Scalar("PRAGMA user_version;"), Is.EqualTo(3L), "history only reads");
    }

    /// <summary>A journal as BulkOnboard at schema <paramref name="version"/> left it: the first migrations, that version, then <paramref name="rows"/>.</summary>
    private void BuildOldJournal(int version, string rows) =>
        _journal.Execute(string.Concat(JournalSchema.Migrations.Take(version)) + $"PRAGMA user_version = {version};\n" + rows);

    private List<string> Tables()
    {
        using var connection = _journal.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table';";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>The watch service's files side by side may open a new journal at the same moment.</summary>
    [Test]
    public void TwoConnectionsMigratingANewJournalAtOnce_MakeEachStepOnce()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var path = Path.Combine(_journal.Folder, $"race{attempt}.db");
            using var start = new Barrier(2);
            Parallel.For(0, 2, _ =>
            {
                using var connection = JournalFile.Open(path, create: true);
                start.SignalAndWait();
                JournalSchema.Migrate(connection, path);
            });

            using var check = JournalFile.Open(path, create: true);
            Assert.That(JournalSchema.Scalar(check, "PRAGMA user_version;"), Is.EqualTo((long)JournalSchema.CurrentVersion), $"attempt {attempt}");
        }
    }
}
