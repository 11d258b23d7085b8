using System.Globalization;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>One line of <c>sync_actions</c>: what a sync did to a person, with what undo needs.</summary>
/// <param name="Snapshot">The person as Tallyfy listed them before (JSON, with the groups that held them), so that undo can restore them.</param>
/// <param name="Roster">The roster file the run applied.</param>
internal sealed record SyncActionRecord(PersonKind Kind, string Email, string Action, string Outcome, string? TallyfyId, string? Detail, string? Snapshot, string? Roster);

/// <summary>
/// What <c>bulkonboard sync</c> keeps in the journal beside the people: who BulkOnboard onboarded (its
/// provenance), the rosters it applied, since when and from how many rosters each leaver has been
/// missing, what it did to leavers (with what undo needs), and the group memberships it added. Every
/// write goes through the one writer (<see cref="ExecuteAsync"/>) and throws
/// <see cref="JournalUnavailableException"/> when it cannot be made.
/// </summary>
internal sealed partial class RunJournal
{
    /// <summary>A leaver action's outcome before its request goes out: a run that stops before it learns more leaves it so, and undo checks Tallyfy for it.</summary>
    public const string ActionInFlight = "in_flight";

    /// <summary>A leaver action that may have been applied and that no read could settle: undo checks Tallyfy for it.</summary>
    public const string ActionUnsettled = "unsettled";

    /// <summary>
    /// The people BulkOnboard itself created or invited in this organization (what a sync may change and
    /// remove): the provenance recorded when Tallyfy answered, never derived from a later run's outcome.
    /// </summary>
    public HashSet<(PersonKind Kind, string Email)> Onboarded()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT kind, email FROM onboarded WHERE target = $target;";
        command.Parameters.AddWithValue("$target", _target);
        var people = new HashSet<(PersonKind, string)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            people.Add((KindOf(reader.GetString(0)), reader.GetString(1)));
        }

        return people;
    }

    /// <summary>The members BulkOnboard invited before <paramref name="cutoff"/> (normalized emails), for the pending-invitation alert.</summary>
    public HashSet<string> InvitedBefore(DateTimeOffset cutoff)
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT email, at FROM onboarded WHERE target = $target AND kind = 'member';";
        command.Parameters.AddWithValue("$target", _target);
        var people = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (DateTimeOffset.TryParse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && at < cutoff)
            {
                people.Add(reader.GetString(0));
            }
        }

        return people;
    }

    /// <summary>People the journal knows but who are not BulkOnboard's, with what it last did (for the plan's "left alone" lines).</summary>
    public Dictionary<(PersonKind Kind, string Email), string> KnownNotOnboarded()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = """
            SELECT p.kind, p.email, COALESCE(p.outcome, p.state) FROM people p
            WHERE p.target = $target AND NOT EXISTS (SELECT 1 FROM onboarded o WHERE o.target = p.target AND o.kind = p.kind AND o.email = p.email);
            """;
        command.Parameters.AddWithValue("$target", _target);
        var people = new Dictionary<(PersonKind, string), string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            people[(KindOf(reader.GetString(0)), reader.GetString(1))] = reader.GetString(2);
        }

        return people;
    }

    /// <summary>
    /// The size a roster is compared with (<c>Sync:MinRosterPercent</c>): the largest roster applied to this
    /// organization within <paramref name="window"/> before <paramref name="now"/>, so that rosters that each
    /// shrink a little cannot walk the baseline down; <c>null</c> when none was.
    /// </summary>
    public int? RosterBaseline(DateTimeOffset now, TimeSpan window)
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT people, applied_at FROM sync_rosters WHERE target = $target AND run_id <> $run;";
        command.Parameters.AddWithValue("$target", _target);
        command.Parameters.AddWithValue("$run", RunId);
        int? largest = null;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (DateTimeOffset.TryParse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && now - at <= window)
            {
                largest = Math.Max(largest ?? 0, reader.GetInt32(0));
            }
        }

        return largest;
    }

    /// <summary>For each person missing from earlier applied rosters: from how many distinct ones, since when, and the last one's SHA-256.</summary>
    public Dictionary<(PersonKind Kind, string Email), Absence> Absences()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT kind, email, missing, since, last_roster_sha256 FROM sync_absences WHERE target = $target;";
        command.Parameters.AddWithValue("$target", _target);
        var absences = new Dictionary<(PersonKind, string), Absence>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // A schema-3 absence has no start: its clock starts now (a leaver then waits longer, never less).
            DateTimeOffset? since = !reader.IsDBNull(3) && DateTimeOffset.TryParse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
            absences[(KindOf(reader.GetString(0)), reader.GetString(1))] = new Absence(reader.GetInt32(2), since, reader.IsDBNull(4) ? null : reader.GetString(4));
        }

        return absences;
    }

    /// <summary>Records an applied roster: its size, who is missing from it now (everyone else's count starts again), and its people's managers.</summary>
    /// <param name="managers">Normalized email → manager, from the roster's rows: remembered for when the person leaves (and is in no row); <c>null</c>: forgotten.</param>
    public Task RecordRosterAsync(int people, string sha256, IReadOnlyDictionary<(PersonKind Kind, string Email), Absence> missing, IReadOnlyDictionary<string, string?>? managers = null,
        IReadOnlyCollection<(string Key, PersonKind Kind, string Email)>? identities = null)
    {
        var at = _timeProvider.GetLocalNow().ToString("O", CultureInfo.InvariantCulture);
        return ExecuteAsync((connection, transaction) =>
        {
            using (var roster = connection.CreateCommand())
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
                roster.Parameters.AddWithValue("$at", at);
                roster.ExecuteNonQuery();
            }

            using var absence = connection.CreateCommand();
            absence.Transaction = transaction;
            absence.CommandText = "INSERT INTO sync_absences (target, kind, email, missing, since, last_roster_sha256) VALUES ($target, $kind, $email, $missing, $since, $sha);";
            absence.Parameters.AddWithValue("$target", _target);
            var kind = absence.Parameters.Add("$kind", SqliteType.Text);
            var email = absence.Parameters.Add("$email", SqliteType.Text);
            var count = absence.Parameters.Add("$missing", SqliteType.Integer);
            var since = absence.Parameters.Add("$since", SqliteType.Text);
            var sha = absence.Parameters.Add("$sha", SqliteType.Text);
            foreach (var ((personKind, address), gone) in missing)
            {
                (kind.Value, email.Value, count.Value) = (personKind.ToWord(), address, gone.Rosters);
                since.Value = gone.Since?.ToString("O", CultureInfo.InvariantCulture) ?? at;
                sha.Value = (object?)gone.LastRosterSha256 ?? sha256;
                absence.ExecuteNonQuery();
            }

            WriteManagers(connection, transaction, managers, at);
            WriteIdentities(connection, transaction, identities, at);
            return 0;
        });
    }

    /// <summary>Records a sync action (a hold, an undo's step, a leaver's group); returns its id once committed.</summary>
    public Task<long> RecordSyncActionAsync(SyncActionRecord action)
    {
        var at = _timeProvider.GetLocalNow().ToString("O", CultureInfo.InvariantCulture);
        return ExecuteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO sync_actions (run_id, target, kind, email, action, outcome, tallyfy_id, detail, snapshot, roster, at)
                VALUES ($run, $target, $kind, $email, $action, $outcome, $id, $detail, $snapshot, $roster, $at) RETURNING id;
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
            command.Parameters.AddWithValue("$at", at);
            return (long)command.ExecuteScalar()!;
        });
    }

    /// <summary>How a leaver action recorded <see cref="ActionInFlight"/> by <see cref="RecordSyncActionAsync"/> ended.</summary>
    public Task SettleSyncActionAsync(long id, string outcome, string? tallyfyId, string? detail)
    {
        var at = _timeProvider.GetLocalNow().ToString("O", CultureInfo.InvariantCulture);
        return ExecuteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE sync_actions SET outcome = $outcome, tallyfy_id = COALESCE($id, tallyfy_id), detail = COALESCE($detail, detail), at = $at WHERE id = $row;";
            command.Parameters.AddWithValue("$outcome", outcome);
            command.Parameters.AddWithValue("$id", (object?)tallyfyId ?? DBNull.Value);
            command.Parameters.AddWithValue("$detail", (object?)detail ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", at);
            command.Parameters.AddWithValue("$row", id);
            return command.ExecuteNonQuery();
        });
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
            actions.Add(new SyncActionRecord(KindOf(reader.GetString(0)), reader.GetString(1), reader.GetString(2),
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
            memberships.Add((reader.GetString(0), KindOf(reader.GetString(1)), reader.GetString(2)));
        }

        return memberships;
    }

    /// <summary>Records that BulkOnboard put this person in the group (<paramref name="added"/>), or took them out.</summary>
    public Task RecordMembershipAsync(string group, PersonKind kind, string email, bool added) => ExecuteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = added
            ? "INSERT OR REPLACE INTO sync_group_members (target, group_name, kind, email, run_id) VALUES ($target, $group, $kind, $email, $run);"
            : "DELETE FROM sync_group_members WHERE target = $target AND group_name = $group AND kind = $kind AND email = $email;";
        command.Parameters.AddWithValue("$target", _target);
        command.Parameters.AddWithValue("$group", Plan.ListedGroup.KeyOf(group));
        command.Parameters.AddWithValue("$kind", kind.ToWord());
        command.Parameters.AddWithValue("$email", EmailAddress.Normalize(email));
        command.Parameters.AddWithValue("$run", RunId);
        return command.ExecuteNonQuery();
    });

    private static PersonKind KindOf(string word) => word == "guest" ? PersonKind.Guest : PersonKind.Member;
}
