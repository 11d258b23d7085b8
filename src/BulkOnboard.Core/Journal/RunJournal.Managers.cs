using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>
/// Who each person's manager is, as the last applied roster said (<c>sync_managers</c>): a leaver is in no row of
/// the roster they leave, so whoever takes their work over (Plan/HandOver) is found from what an earlier roster said.
/// </summary>
internal sealed partial class RunJournal
{
    /// <summary>Each person's manager (normalized emails) as the last applied roster that named one said.</summary>
    public Dictionary<string, string> Managers()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT email, manager FROM sync_managers WHERE target = $target;";
        command.Parameters.AddWithValue("$target", _target);
        var managers = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            managers[reader.GetString(0)] = reader.GetString(1);
        }

        return managers;
    }

    /// <summary>Within an applied roster's transaction: remembers each named manager, forgets those the roster no longer names.</summary>
    private void WriteManagers(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyDictionary<string, string?>? managers, string at)
    {
        using var manager = connection.CreateCommand();
        manager.Transaction = transaction;
        manager.CommandText = "INSERT OR REPLACE INTO sync_managers (target, email, manager, updated_at) VALUES ($target, $email, $manager, $at);";
        manager.Parameters.AddWithValue("$target", _target);
        manager.Parameters.AddWithValue("$at", at);
        var person = manager.Parameters.Add("$email", SqliteType.Text);
        var theirs = manager.Parameters.Add("$manager", SqliteType.Text);
        using var forget = connection.CreateCommand();
        forget.Transaction = transaction;
        forget.CommandText = "DELETE FROM sync_managers WHERE target = $target AND email = $email;";
        forget.Parameters.AddWithValue("$target", _target);
        var forgotten = forget.Parameters.Add("$email", SqliteType.Text);
        foreach (var (address, boss) in managers ?? new Dictionary<string, string?>())
        {
            if (boss is null)
            {
                forgotten.Value = address;
                forget.ExecuteNonQuery();
                continue;
            }

            (person.Value, theirs.Value) = (address, boss);
            manager.ExecuteNonQuery();
        }
    }
}
