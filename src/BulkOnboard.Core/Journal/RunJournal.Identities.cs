using BulkOnboard.Input;
using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>
/// Each HR key's Tallyfy identities over time (<c>identities</c>, PRODUCT.md "People change"): every kind and email an
/// applied roster listed a person's <c>employee_id</c> with. A sync knows from it that a new email, or a guest now listed
/// as a member, is the same person; and which members BulkOnboard deactivated (a rehire is re-enabled, never re-invited).
/// </summary>
internal sealed partial class RunJournal
{
    /// <summary>Each key's identities (normalized emails), oldest first.</summary>
    public Dictionary<string, List<(PersonKind Kind, string Email)>> Identities()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT person_key, kind, email FROM identities WHERE target = $target ORDER BY first_run, email;";
        command.Parameters.AddWithValue("$target", _target);
        var identities = new Dictionary<string, List<(PersonKind, string)>>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = reader.GetString(0);
            if (!identities.TryGetValue(key, out var known))
            {
                identities[key] = known = [];
            }

            known.Add((KindOf(reader.GetString(1)), reader.GetString(2)));
        }

        return identities;
    }

    /// <summary>
    /// The members BulkOnboard deactivated (a sync's leaver, a dated leaver, an email change) and did not re-enable since:
    /// the only people a rehire re-enables.
    /// </summary>
    public HashSet<string> DeactivatedByUs()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = """
            SELECT a.email FROM sync_actions a
            WHERE a.target = $target AND (a.kind = 'member' AND a.action = 'deactivate' AND a.outcome = 'deactivated' OR a.action = 'convert_to_guest' AND a.outcome = 'updated')
              AND NOT EXISTS (SELECT 1 FROM sync_actions b WHERE b.target = a.target AND b.kind = 'member' AND b.email = a.email
                              AND b.id > a.id AND b.action IN ('enable', 'reactivate', 'convert_to_member') AND b.outcome = 'updated');
            """;
        command.Parameters.AddWithValue("$target", _target);
        var people = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            people.Add(reader.GetString(0));
        }

        return people;
    }

    /// <summary>Within an applied roster's transaction: remembers each key's kind and email (a key seen again keeps its first run).</summary>
    private void WriteIdentities(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyCollection<(string Key, PersonKind Kind, string Email)>? identities, string at)
    {
        if (identities is not { Count: > 0 })
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO identities (target, person_key, kind, email, first_run, last_run, updated_at) VALUES ($target, $key, $kind, $email, $run, $run, $at)
            ON CONFLICT (target, person_key, kind, email) DO UPDATE SET last_run = excluded.last_run, updated_at = excluded.updated_at;
            """;
        command.Parameters.AddWithValue("$target", _target);
        command.Parameters.AddWithValue("$run", RunId);
        command.Parameters.AddWithValue("$at", at);
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var kind = command.Parameters.Add("$kind", SqliteType.Text);
        var email = command.Parameters.Add("$email", SqliteType.Text);
        foreach (var identity in identities)
        {
            (key.Value, kind.Value, email.Value) = (identity.Key, identity.Kind.ToWord(), EmailAddress.Normalize(identity.Email));
            command.ExecuteNonQuery();
        }
    }
}
