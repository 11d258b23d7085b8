using System.Globalization;
using BulkOnboard.Input;
using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>One line of <c>sync_actions</c>: what a sync did to a person, with what undo needs.</summary>
/// <param name="Snapshot">The person as Tallyfy listed them before (JSON), so that a removed guest can be re-created.</param>
/// <param name="Roster">The roster file the run applied.</param>
internal sealed record SyncActionRecord(PersonKind Kind, string Email, string Action, string Outcome, string? TallyfyId, string? Detail, string? Snapshot, string? Roster);

/// <summary>
/// What <c>bulkonboard sync</c> keeps in the journal beside the people: the rosters it applied, how long
/// each leaver has been missing, what it did to leavers (with what undo needs), and the group
/// memberships it added. Writes from the apply stage's workers are serialized.
/// </summary>
internal sealed partial class RunJournal
{
    /// <summary>The people BulkOnboard itself created or invited in this organization (what a sync may remove).</summary>
    public HashSet<(PersonKind Kind, string Email)> Onboarded()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT kind, email FROM people WHERE target = $target AND state = 'done' AND outcome IN ('created', 'invited', 'updated');";
        command.Parameters.AddWithValue("$target", _target);
        var people = new HashSet<(PersonKind, string)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            people.Add((reader.GetString(0) == "guest" ? PersonKind.Guest : PersonKind.Member, reader.GetString(1)));
        }

        return people;
    }

    /// <summary>How many people the last applied roster of this organization had, if any sync was applied.</summary>
    public int? PreviousRosterSize()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT people FROM sync_rosters WHERE target = $target AND run_id <> $run ORDER BY run_id DESC LIMIT 1;";
        command.Parameters.AddWithValue("$target", _target);
        command.Parameters.AddWithValue("$run", RunId);
        return command.ExecuteScalar() is long people ? (int)people : null;
    }

    /// <summary>For each person missing from earlier applied rosters: how many consecutive ones.</summary>
    public Dictionary<(PersonKind Kind, string Email), int> Absences()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT kind, email, missing FROM sync_absences WHERE target = $target;";
        command.Parameters.AddWithValue("$target", _target);
        var absences = new Dictionary<(PersonKind, string), int>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            absences[(reader.GetString(0) == "guest" ? PersonKind.Guest : PersonKind.Member, reader.GetString(1))] = reader.GetInt32(2);
        }

        return absences;
    }

    /// <summary>Records an applied roster: its size, and who is missing from it now (everyone else's count starts again).</summary>
    public void RecordRoster(int people, string sha256, IReadOnlyDictionary<(PersonKind Kind, string Email), int> missing)
    {
        using var transaction = _reader.BeginTransaction();
        using (var roster = _reader.CreateCommand())
        {
            roster.Transaction = transaction;
            roster.CommandText = """
                INSERT OR REPLACE INTO sync_rosters (run_id, target, people, roster_sha256, applied_at) VALUES ($run, $target, $people, $sha, $at);
                DELETE FROM sync_absences WHERE target = $target;
                """;
            roster.Parameters.AddWithValue("$run", RunId);
            roster.Parameters.AddWithValue("$target", _target);
            roster.Parameters.AddWithValue("$people", people);
            roster.Parameters.AddWithValue("$sha", sha256);
            roster.Parameters.AddWithValue("$at", _timeProvider.GetLocalNow().ToString("O", CultureInfo.InvariantCulture));
            roster.ExecuteNonQuery();
        }

        using (var absence = _reader.CreateCommand())
        {
            absence.Transaction = transaction;
            absence.CommandText = "INSERT INTO sync_absences (target, kind, email, missing) VALUES ($target, $kind, $email, $missing);";
            absence.Parameters.AddWithValue("$target", _target);
            var kind = absence.Parameters.Add("$kind", SqliteType.Text);
            var email = absence.Parameters.Add("$email", SqliteType.Text);
            var count = absence.Parameters.Add("$missing", SqliteType.Integer);
            foreach (var ((personKind, address), times) in missing)
            {
                (kind.Value, email.Value, count.Value) = (personKind.ToWord(), address, times);
                absence.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    /// <summary>Records what a sync did to a person who is in no roster row (a leaver), or undid: for history and undo. Thread-safe.</summary>
    public void RecordSyncAction(SyncActionRecord action)
    {
        lock (_syncActions)
        {
            InsertSyncAction(action);
        }
    }

    private readonly Lock _syncActions = new();

    private void InsertSyncAction(SyncActionRecord action)
    {
        using var command = _reader.CreateCommand();
        command.CommandText = """
            INSERT INTO sync_actions (run_id, target, kind, email, action, outcome, tallyfy_id, detail, snapshot, roster, at)
            VALUES ($run, $target, $kind, $email, $action, $outcome, $id, $detail, $snapshot, $roster, $at);
            """;
        command.Parameters.AddWithValue("$run", RunId);
        command.Parameters.AddWithValue("$target", _target);
        command.Parameters.AddWithValue("$kind", action.Kind.ToWord());
        command.Parameters.AddWithValue("$email", EmailAddress.Normalize(action.Email));
        command.Parameters.AddWithValue("$action", action.Action);
        command.Parameters.AddWithValue("$outcome", action.Outcome);
        command.Parameters.AddWithValue("$id", (object?)action.TallyfyId ?? DBNull.Value);
        command.Parameters.AddWithValue("$detail", (object?)action.Detail ?? DBNull.Value);
        command.Parameters.AddWithValue("$snapshot", (object?)action.Snapshot ?? DBNull.Value);
        command.Parameters.AddWithValue("$roster", (object?)action.Roster ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", _timeProvider.GetLocalNow().ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    /// <summary>What run <paramref name="runId"/> of this organization did to leavers.</summary>
    public List<SyncActionRecord> SyncActionsOf(long runId)
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT kind, email, action, outcome, tallyfy_id, detail, snapshot, roster FROM sync_actions WHERE target = $target AND run_id = $run ORDER BY id;";
        command.Parameters.AddWithValue("$target", _target);
        command.Parameters.AddWithValue("$run", runId);
        var actions = new List<SyncActionRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            actions.Add(new SyncActionRecord(reader.GetString(0) == "guest" ? PersonKind.Guest : PersonKind.Member, reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return actions;
    }

    /// <summary>The group memberships BulkOnboard added (the only ones a sync ever removes): group name in lower case, kind, email.</summary>
    public HashSet<(string Group, PersonKind Kind, string Email)> ManagedMemberships()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT group_name, kind, email FROM sync_group_members WHERE target = $target;";
        command.Parameters.AddWithValue("$target", _target);
        var memberships = new HashSet<(string, PersonKind, string)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            memberships.Add((reader.GetString(0), reader.GetString(1) == "guest" ? PersonKind.Guest : PersonKind.Member, reader.GetString(2)));
        }

        return memberships;
    }

    /// <summary>Records that BulkOnboard put this person in the group (<paramref name="added"/>), or took them out. Thread-safe.</summary>
    public void RecordMembership(string group, PersonKind kind, string email, bool added)
    {
        lock (_syncActions)
        {
            using var command = _reader.CreateCommand();
            command.CommandText = added
                ? "INSERT OR REPLACE INTO sync_group_members (target, group_name, kind, email, run_id) VALUES ($target, $group, $kind, $email, $run);"
                : "DELETE FROM sync_group_members WHERE target = $target AND group_name = $group AND kind = $kind AND email = $email;";
            command.Parameters.AddWithValue("$target", _target);
            command.Parameters.AddWithValue("$group", Delivery.ListedGroup.KeyOf(group));
            command.Parameters.AddWithValue("$kind", kind.ToWord());
            command.Parameters.AddWithValue("$email", EmailAddress.Normalize(email));
            command.Parameters.AddWithValue("$run", RunId);
            command.ExecuteNonQuery();
        }
    }
}
