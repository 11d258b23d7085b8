using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>One run as the journal remembers it.</summary>
internal sealed record RunRecord(long Id, string Target, string FileName, string StartedAt, string? EndedAt, int? Total, int? Created, int? Invited,
    int? Skipped, int? Invalid, int? Failed, int? NotAttempted, int? ExitCode, bool Forced);

/// <summary>What the journal holds for one person in one organization.</summary>
internal sealed record PersonRecord(string Target, string Kind, string Email, string State, string? Outcome, string UpdatedAt, string? TallyfyId, long RunId, string FileName, int? RowNumber);

/// <summary>What a sync did to a person who left a roster (or what an undo gave back): the action, the run, the roster.</summary>
internal sealed record SyncActionHistory(string Target, string Kind, string Email, string Action, string Outcome, string At, long RunId, string? Roster, string? Detail);

/// <summary>That BulkOnboard created or invited a person: when, how, by which run, from which file (recorded once, never cleared).</summary>
internal sealed record ProvenanceRecord(string Target, string Kind, long RunId, string At, string How, string FileName);

/// <summary>One journey's launch for a person (<c>journey_launches</c>).</summary>
internal sealed record JourneyRecord(string Target, string Journey, string State, string? Outcome, string? ProcessId, long RunId, string At);

/// <summary>Reads the journal for <c>bulkonboard history</c>; takes no lock and changes nothing.</summary>
internal static class JournalHistory
{
    public static IReadOnlyList<RunRecord> RecentRuns(string path, int limit)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, target, file_name, started_at, ended_at, total, created, invited, skipped, invalid, failed, not_attempted, exit_code, forced
            FROM runs ORDER BY id DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var runs = new List<RunRecord>();
        while (reader.Read())
        {
            int? Int(int i) => reader.IsDBNull(i) ? null : reader.GetInt32(i);
            runs.Add(new RunRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                Int(5), Int(6), Int(7), Int(8), Int(9), Int(10), Int(11), Int(12), reader.GetInt32(13) != 0));
        }

        return runs;
    }

    public static IReadOnlyList<PersonRecord> FindPerson(string path, string email)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT p.target, p.kind, p.email, p.state, p.outcome, p.updated_at, p.tallyfy_id, p.run_id, r.file_name, p.row_number
            FROM people p JOIN runs r ON r.id = p.run_id WHERE p.email = $email ORDER BY p.updated_at DESC;
            """;
        command.Parameters.AddWithValue("$email", EmailAddress.Normalize(email));
        using var reader = command.ExecuteReader();
        var people = new List<PersonRecord>();
        while (reader.Read())
        {
            people.Add(new PersonRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetInt64(7), reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetInt32(9)));
        }

        return people;
    }

    /// <summary>Every sync action on this person: "when was Jane deactivated, by which run, from which roster?".</summary>
    public static IReadOnlyList<SyncActionHistory> SyncActions(string path, string email)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT target, kind, email, action, outcome, at, run_id, roster, detail FROM sync_actions WHERE email = $email ORDER BY id DESC;
            """;
        command.Parameters.AddWithValue("$email", EmailAddress.Normalize(email));
        using var reader = command.ExecuteReader();
        var actions = new List<SyncActionHistory>();
        while (reader.Read())
        {
            actions.Add(new SyncActionHistory(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return actions;
    }

    /// <summary>Whether, when and how BulkOnboard onboarded this person, in each organization.</summary>
    public static IReadOnlyList<ProvenanceRecord> Provenance(string path, string email)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT o.target, o.kind, o.run_id, o.at, o.how, COALESCE(r.file_name, '') FROM onboarded o LEFT JOIN runs r ON r.id = o.run_id WHERE o.email = $email ORDER BY o.at;
            """;
        command.Parameters.AddWithValue("$email", EmailAddress.Normalize(email));
        using var reader = command.ExecuteReader();
        var claims = new List<ProvenanceRecord>();
        while (reader.Read())
        {
            claims.Add(new ProvenanceRecord(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }

        return claims;
    }

    /// <summary>The onboarding journeys launched (or tried) for this person, in every organization of the journal.</summary>
    public static IReadOnlyList<JourneyRecord> Journeys(string path, string email)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT target, journey, state, outcome, process_id, run_id, updated_at FROM journey_launches WHERE email = $email ORDER BY updated_at;";
        command.Parameters.AddWithValue("$email", EmailAddress.Normalize(email));
        using var reader = command.ExecuteReader();
        var launches = new List<JourneyRecord>();
        while (reader.Read())
        {
            launches.Add(new JourneyRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5), reader.GetString(6)));
        }

        return launches;
    }

    /// <summary>Whether a dated action of <paramref name="target"/> has come due by <paramref name="now"/> (read only: no lock, no new run).</summary>
    public static bool HasDue(string path, string target, DateTimeOffset now)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using (var probe = JournalFile.Open(path))
        {
            // A journal an older BulkOnboard left: the run that opens it migrates it, then looks.
            if (Convert.ToInt32(JournalSchema.Scalar(probe, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture) < JournalSchema.CurrentVersion)
            {
                return true;
            }
        }

        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM due_actions WHERE target = $target AND state = 'pending' AND due_at <= $now LIMIT 1;";
        command.Parameters.AddWithValue("$target", target);
        command.Parameters.AddWithValue("$now", now.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return command.ExecuteScalar() is not null;
    }

    /// <summary>When the next pending dated action of <paramref name="target"/> is due, as its person's calendar shows it; <c>null</c> when none is.</summary>
    public static string? NextDue(string path, string target)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT due_local FROM due_actions WHERE target = $target AND state = 'pending' ORDER BY due_at LIMIT 1;";
        command.Parameters.AddWithValue("$target", target);
        return command.ExecuteScalar() as string;
    }

    /// <summary>A person's dated actions still waiting, soonest first.</summary>
    public static IReadOnlyList<(string Target, string Kind, string Action, string DueLocal, string? Source)> PendingDue(string path, string email)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT target, kind, action, due_local, source FROM due_actions WHERE email = $email AND state = 'pending' ORDER BY due_at;";
        command.Parameters.AddWithValue("$email", EmailAddress.Normalize(email));
        using var reader = command.ExecuteReader();
        var due = new List<(string, string, string, string, string?)>();
        while (reader.Read())
        {
            due.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return due;
    }

    /// <summary>Whether run <paramref name="runId"/> of <paramref name="target"/> was a sync, or carried out leaver actions (read only: no lock, no new run).</summary>
    public static bool IsSyncRun(string path, string target, long runId)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var connection = Open(path);
        using var command = connection.CreateCommand();
        // A sync, or a run that carried out dated leaver actions (due, the watch clock, the end of an import).
        command.CommandText = """
            SELECT command = 'sync' OR EXISTS (SELECT 1 FROM sync_actions a WHERE a.run_id = runs.id AND a.action IN ('deactivate', 'remove'))
            FROM runs WHERE id = $run AND target = $target;
            """;
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$target", target);
        return command.ExecuteScalar() is 1L;
    }

    private static SqliteConnection Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new JournalUnavailableException($"there is no journal at {path} yet: it is created by the first import (or set Journal:Path)");
        }

        try
        {
            var connection = JournalFile.Open(path);
            var version = Convert.ToInt32(JournalSchema.Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
            if (version != JournalSchema.CurrentVersion)
            {
                connection.Dispose();
                throw new JournalUnavailableException($"the journal {path} has schema {version}; run an import with this BulkOnboard to migrate it, or use the BulkOnboard that wrote it");
            }

            return connection;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new JournalUnavailableException($"the journal {path} cannot be read ({ex.Message.TrimEnd('.')})", ex);
        }
    }
}
