using System.Globalization;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;

namespace BulkOnboard.Journal;

/// <summary>Dated actions waiting for their time (<c>due_actions</c>): scheduled by import and sync, carried out by whatever runs once they are due.</summary>
internal sealed partial class RunJournal
{
    public const string DuePending = "pending";
    public const string DueDone = "done";
    public const string DueCancelled = "cancelled";

    /// <summary>Schedules actions (a person's earlier schedule for the same action is replaced: a start that moved moves its invite).</summary>
    public Task ScheduleAsync(IReadOnlyCollection<DueAction> actions)
    {
        if (actions.Count == 0)
        {
            return Task.CompletedTask;
        }

        var now = _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        return ExecuteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO due_actions (target, kind, email, action, due_at, due_local, payload, tallyfy_id, source, run_id, state, outcome, updated_at, held_code, held_reason)
                VALUES ($target, $kind, $email, $action, $due, $local, $payload, $id, $source, $run, 'pending', NULL, $now, $held, $heldReason)
                ON CONFLICT (target, kind, email, action) DO UPDATE SET due_at = excluded.due_at, due_local = excluded.due_local, payload = excluded.payload,
                    tallyfy_id = COALESCE(excluded.tallyfy_id, due_actions.tallyfy_id), source = excluded.source, run_id = excluded.run_id,
                    state = 'pending', outcome = NULL, updated_at = excluded.updated_at, held_code = excluded.held_code, held_reason = excluded.held_reason;
                """;
            foreach (var name in new[] { "$target", "$kind", "$email", "$action", "$due", "$local", "$payload", "$id", "$source", "$run", "$now", "$held", "$heldReason" })
            {
                command.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter { ParameterName = name });
            }

            foreach (var action in actions)
            {
                command.Parameters["$target"].Value = _target;
                command.Parameters["$kind"].Value = action.Kind.ToWord();
                command.Parameters["$email"].Value = EmailAddress.Normalize(action.Email);
                command.Parameters["$action"].Value = action.Action;
                command.Parameters["$due"].Value = action.DueAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
                command.Parameters["$local"].Value = action.DueLocal;
                command.Parameters["$payload"].Value = (object?)action.Payload ?? DBNull.Value;
                command.Parameters["$id"].Value = (object?)action.TallyfyId ?? DBNull.Value;
                command.Parameters["$source"].Value = (object?)action.Source ?? DBNull.Value;
                command.Parameters["$run"].Value = RunId;
                command.Parameters["$now"].Value = now;
                command.Parameters["$held"].Value = (object?)action.HeldCode ?? DBNull.Value;
                command.Parameters["$heldReason"].Value = (object?)action.HeldReason ?? DBNull.Value;
                command.ExecuteNonQuery();
            }

            return 0;
        });
    }

    /// <summary>The pending actions of this organization, soonest first; only those due by <paramref name="dueBy"/> when given.</summary>
    public List<DueAction> PendingDue(DateTimeOffset? dueBy = null)
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT id, kind, email, action, due_at, due_local, payload, tallyfy_id, source, held_code, held_reason, updated_at FROM due_actions WHERE target = $target AND state = 'pending' ORDER BY due_at, id;";
        command.Parameters.AddWithValue("$target", _target);
        var actions = new List<DueAction>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var due = DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture);
            if (dueBy is { } by && due > by)
            {
                continue;
            }

            actions.Add(new DueAction(KindOf(reader.GetString(1)), reader.GetString(2), reader.GetString(3), due, reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8))
            {
                Id = reader.GetInt64(0),
                HeldCode = reader.IsDBNull(9) ? null : reader.GetString(9),
                HeldReason = reader.IsDBNull(10) ? null : reader.GetString(10),
                ParkedAt = reader.IsDBNull(9) ? null : DateTimeOffset.Parse(reader.GetString(11), CultureInfo.InvariantCulture),
            });
        }

        return actions;
    }

    /// <summary>How a due action ended: <see cref="DueDone"/>, <see cref="DueCancelled"/>, or <c>failed</c> (with the outcome's words).</summary>
    public Task SettleDueAsync(long id, string state, string? outcome) => ExecuteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE due_actions SET state = $state, outcome = $outcome, updated_at = $now WHERE id = $id;";
        command.Parameters.AddWithValue("$state", state);
        command.Parameters.AddWithValue("$outcome", (object?)outcome ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteNonQuery();
    });

    /// <summary>Cancels the scheduled hires this run's file withdrew (<see cref="WithdrawnHires"/>), each with its reason; one already carried out or cancelled is left as it is.</summary>
    public Task WithdrawAsync(IReadOnlyCollection<Withdrawal> withdrawn)
    {
        if (withdrawn.Count == 0)
        {
            return Task.CompletedTask;
        }

        return ExecuteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE due_actions SET state = 'cancelled', outcome = $why, updated_at = $now WHERE id = $id AND state = 'pending';";
            command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            var why = command.Parameters.Add("$why", Microsoft.Data.Sqlite.SqliteType.Text);
            var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Integer);
            foreach (var withdrawal in withdrawn)
            {
                why.Value = $"withdrawn by run {RunId} ({withdrawal.Reason})";
                id.Value = withdrawal.Action.Id;
                command.ExecuteNonQuery();
            }

            return 0;
        });
    }

    /// <summary>
    /// Cancels the pending actions of these kinds whose person is not in <paramref name="keep"/> (a full roster
    /// no longer schedules them: a hire withdrawn, a leaver's end date removed), and those of the people in
    /// <paramref name="settled"/> (their row was carried out now). Returns how many were cancelled.
    /// </summary>
    /// <param name="settled">People carried out now, with whether as leavers: a joiner's create or invite settles the joiner actions, a deactivation or removal the leaver ones.</param>
    public Task<long> CancelDueAsync(IReadOnlySet<(PersonKind Kind, string Email, string Action)>? keep, IReadOnlyCollection<(PersonKind Kind, string Email, bool Leaver)> settled, string reason)
    {
        var pending = PendingDue();
        var settledKeys = settled.Select(s => (s.Kind, EmailAddress.Normalize(s.Email), s.Leaver)).ToHashSet();
        // A journey's launch is no joiner action: carrying out the person's invite is what it waits for, not what settles it.
        var cancel = pending.Where(p => !p.IsLaunch && (settledKeys.Contains((p.Kind, EmailAddress.Normalize(p.Email), p.IsLeaver))
            || (keep is not null && !keep.Contains((p.Kind, EmailAddress.Normalize(p.Email), p.Action))))).ToList();
        if (cancel.Count == 0)
        {
            return Task.FromResult(0L);
        }

        return ExecuteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE due_actions SET state = 'cancelled', outcome = $why, updated_at = $now WHERE id = $id;";
            command.Parameters.AddWithValue("$why", reason);
            command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Integer);
            foreach (var action in cancel)
            {
                id.Value = action.Id;
                command.ExecuteNonQuery();
            }

            return (long)cancel.Count;
        });
    }
}
