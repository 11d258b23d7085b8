using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>
/// The journal's tables, versioned with SQLite's <c>user_version</c> and migrated forward one step at
/// a time. A journal from a newer BulkOnboard is refused rather than guessed at.
/// </summary>
internal static class JournalSchema
{
    /// <summary>
    /// Migration N brings a journal from version N to N+1. Schema 4 gives provenance a table of its own
    /// (<c>onboarded</c>: written once when Tallyfy's answer shows BulkOnboard created or invited someone,
    /// never cleared); from a schema-3 journal it takes only people whose last record is <c>created</c> or
    /// <c>invited</c>: one whose only record is <c>updated</c> or <c>already_exists</c> is not BulkOnboard's.
    /// (A schema-3 journal cannot tell a guest Tallyfy linked from one it created, nor remember a creation
    /// a later <c>--force</c> overwrote: those are taken as its last outcome says.) Leavers' absences gain
    /// when they were first missed and from which roster, for the grace period by time. The caps the API
    /// taught (<c>api_caps</c>, with the sends still inside their windows in <c>api_cap_sends</c>) are kept
    /// per organization, so the next run starts at the wall instead of meeting the 429 again. Dated actions
    /// not due yet (<c>due_actions</c>: a hire's invite, a leaver's deactivation) wait there for their time.
    /// Schema 5 records each fetch of a source (<c>source_fetches</c>: its hash, size, ETag, Last-Modified,
    /// rows and columns, and whether the run that used it was good), the baseline of the source's gates.
    /// Schema 6 parks a dated leaver action the leaver policy holds (<c>due_actions.held_code</c>, the guard's
    /// name, and <c>held_reason</c>): it is reported when first held and again only when the guard changes.
    /// Schema 7 remembers each person's manager from the last applied roster that named one (<c>sync_managers</c>):
    /// a leaver is in no row of the roster they leave, and their open tasks go to that manager.
    /// Schema 8 records each onboarding journey's launch per person (<c>journey_launches</c>): in flight before
    /// <c>POST /runs</c> goes out, done with the process's id once Tallyfy holds it, so no person's process is
    /// launched twice across re-runs, crashes and <c>--force</c>.
    /// Schema 9 keeps each HR key's Tallyfy identities over time (<c>identities</c>: an <c>employee_id</c>, and every kind and
    /// email an applied roster listed it with), so a new email or a conversion is known as the same person; and each approval
    /// task asked in Tallyfy for a plan's held changes (<c>approvals</c>), until it is applied, rejected or stale.
    /// </summary>
    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            target TEXT NOT NULL,
            file_name TEXT NOT NULL,
            file_sha256 TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            total INTEGER, created INTEGER, invited INTEGER, updated INTEGER, skipped INTEGER,
            invalid INTEGER, failed INTEGER, not_attempted INTEGER, requests INTEGER, exit_code INTEGER,
            host TEXT NOT NULL, pid INTEGER NOT NULL);
        CREATE TABLE people (
            target TEXT NOT NULL,
            kind TEXT NOT NULL,
            email TEXT NOT NULL,
            state TEXT NOT NULL,
            outcome TEXT,
            run_id INTEGER NOT NULL,
            row_number INTEGER,
            tallyfy_id TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (target, kind, email)) WITHOUT ROWID;
        CREATE TABLE run_lock (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            process_started_at TEXT,
            locked_at TEXT NOT NULL,
            file_name TEXT);
        """,
        """
        ALTER TABLE runs ADD COLUMN forced INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX people_by_email ON people (email);
        """,
        """
        ALTER TABLE runs ADD COLUMN command TEXT NOT NULL DEFAULT 'import';
        CREATE TABLE sync_rosters (
            run_id INTEGER PRIMARY KEY,
            target TEXT NOT NULL,
            people INTEGER NOT NULL,
            roster_sha256 TEXT NOT NULL,
            applied_at TEXT NOT NULL);
        CREATE TABLE sync_absences (
            target TEXT NOT NULL,
            kind TEXT NOT NULL,
            email TEXT NOT NULL,
            missing INTEGER NOT NULL,
            PRIMARY KEY (target, kind, email)) WITHOUT ROWID;
        CREATE TABLE sync_actions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL,
            target TEXT NOT NULL,
            kind TEXT NOT NULL,
            email TEXT NOT NULL,
            action TEXT NOT NULL,
            outcome TEXT NOT NULL,
            tallyfy_id TEXT,
            detail TEXT,
            snapshot TEXT,
            roster TEXT,
            at TEXT NOT NULL);
        CREATE TABLE sync_group_members (
            target TEXT NOT NULL,
            group_name TEXT NOT NULL,
            kind TEXT NOT NULL,
            email TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            PRIMARY KEY (target, group_name, kind, email)) WITHOUT ROWID;
        CREATE INDEX sync_actions_by_run ON sync_actions (run_id);
        CREATE INDEX sync_actions_by_email ON sync_actions (email);
        """,
        """
        CREATE TABLE onboarded (
            target TEXT NOT NULL,
            kind TEXT NOT NULL,
            email TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            at TEXT NOT NULL,
            how TEXT NOT NULL,
            PRIMARY KEY (target, kind, email)) WITHOUT ROWID;
        INSERT OR IGNORE INTO onboarded (target, kind, email, run_id, at, how)
            SELECT target, kind, email, run_id, updated_at, outcome || ' (read from the journal''s last outcome when it moved to schema 4)'
            FROM people WHERE state = 'done' AND outcome IN ('created', 'invited');
        ALTER TABLE sync_absences ADD COLUMN since TEXT;
        ALTER TABLE sync_absences ADD COLUMN last_roster_sha256 TEXT;
        CREATE TABLE api_caps (
            target TEXT NOT NULL,
            scope TEXT NOT NULL,
            requests INTEGER NOT NULL,
            window_ms INTEGER NOT NULL,
            source TEXT NOT NULL,
            learned_at TEXT NOT NULL,
            PRIMARY KEY (target, scope)) WITHOUT ROWID;
        CREATE TABLE api_cap_sends (
            target TEXT NOT NULL,
            scope TEXT NOT NULL,
            sent_at TEXT NOT NULL);
        CREATE INDEX api_cap_sends_by_scope ON api_cap_sends (target, scope);
        CREATE TABLE due_actions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            target TEXT NOT NULL,
            kind TEXT NOT NULL,
            email TEXT NOT NULL,
            action TEXT NOT NULL,
            due_at TEXT NOT NULL,
            due_local TEXT NOT NULL,
            payload TEXT,
            tallyfy_id TEXT,
            source TEXT,
            run_id INTEGER NOT NULL,
            state TEXT NOT NULL,
            outcome TEXT,
            updated_at TEXT NOT NULL,
            UNIQUE (target, kind, email, action));
        CREATE INDEX due_actions_by_due ON due_actions (target, state, due_at);
        """,
        """
        CREATE TABLE source_fetches (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            target TEXT NOT NULL,
            source TEXT NOT NULL,
            display TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT,
            last_modified TEXT,
            fetched_at TEXT NOT NULL,
            rows INTEGER,
            columns TEXT,
            run_id INTEGER,
            good INTEGER NOT NULL,
            refused TEXT);
        CREATE INDEX source_fetches_by_source ON source_fetches (target, source, good, id);
        """,
        """
        ALTER TABLE due_actions ADD COLUMN held_code TEXT;
        ALTER TABLE due_actions ADD COLUMN held_reason TEXT;
        """,
        """
        CREATE TABLE sync_managers (
            target TEXT NOT NULL,
            email TEXT NOT NULL,
            manager TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (target, email));
        """,
        """
        CREATE TABLE journey_launches (
            target TEXT NOT NULL,
            journey TEXT NOT NULL,
            person TEXT NOT NULL,
            email TEXT NOT NULL,
            state TEXT NOT NULL,
            outcome TEXT,
            template_id TEXT,
            process_name TEXT,
            process_id TEXT,
            run_id INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (target, journey, person)) WITHOUT ROWID;
        CREATE INDEX journey_launches_by_email ON journey_launches (email);
        CREATE TABLE journeys (
            target TEXT NOT NULL,
            journey TEXT NOT NULL,
            first_run INTEGER NOT NULL,
            PRIMARY KEY (target, journey)) WITHOUT ROWID;
        """,
        """
        CREATE TABLE identities (
            target TEXT NOT NULL,
            person_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            email TEXT NOT NULL,
            first_run INTEGER NOT NULL,
            last_run INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (target, person_key, kind, email)) WITHOUT ROWID;
        CREATE TABLE approvals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            target TEXT NOT NULL,
            task_id TEXT,
            run_id INTEGER NOT NULL,
            plan_path TEXT NOT NULL,
            plan_sha256 TEXT NOT NULL,
            roster_path TEXT NOT NULL,
            roster_sha256 TEXT NOT NULL,
            state TEXT NOT NULL,
            asked_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            note TEXT,
            pending_comment TEXT);
        CREATE INDEX approvals_by_state ON approvals (target, state);
        """,
    ];

    public static int CurrentVersion => Migrations.Length;

    public static void Migrate(SqliteConnection connection, string path)
    {
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > CurrentVersion)
        {
            throw new JournalUnavailableException(
                $"the journal {path} was written by a newer BulkOnboard (schema {version}, this one knows {CurrentVersion}); upgrade BulkOnboard or set Journal:Path to another file");
        }

        while (version < CurrentVersion)
        {
            // Two runs may open a new journal at once (the watch service's files side by side): each step
            // takes the write lock first and reads the version again under it, so a step another run has
            // made meanwhile is not made twice ("table runs already exists").
            using var transaction = connection.BeginTransaction(deferred: false);
            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "PRAGMA user_version;";
            version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (version < CurrentVersion)
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = Migrations[version] + $"\nPRAGMA user_version = {version + 1};";
                command.ExecuteNonQuery();
                version++;
            }

            transaction.Commit();
        }
    }

    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
