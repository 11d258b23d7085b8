using System.Globalization;
using BulkOnboard.Input;
using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>
/// The journal's one writer: every write is queued, and one loop commits them in groups on the writer
/// connection (<c>synchronous=FULL</c>); each caller waits for its own commit, and a failed commit throws
/// <see cref="JournalUnavailableException"/> to every caller of that group.
/// </summary>
internal sealed partial class RunJournal
{
    private Task Enqueue(PersonRecord record) => EnqueueAsync(new PendingWrite(record, null, NewCommit()));

    /// <summary>Runs <paramref name="statement"/> on the writer connection in its next commit; returns its result once committed.</summary>
    private Task<long> ExecuteAsync(Func<SqliteConnection, SqliteTransaction, long> statement) => EnqueueAsync(new PendingWrite(null, statement, NewCommit()));

    private static TaskCompletionSource<long> NewCommit() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task<long> EnqueueAsync(PendingWrite pending)
    {
        if (!_writes.Writer.TryWrite(pending))
        {
            throw new JournalUnavailableException($"the journal {Path} is closed");
        }

        return pending.Committed.Task;
    }

    private async Task WriteLoopAsync()
    {
        using var upsert = _writer.CreateCommand();
        upsert.CommandText = """
            INSERT INTO people (target, kind, email, state, outcome, run_id, row_number, tallyfy_id, updated_at)
            VALUES ($target, $kind, $email, $state, $outcome, $run, $row, $id, $at)
            ON CONFLICT (target, kind, email) DO UPDATE SET state = excluded.state, outcome = excluded.outcome,
                run_id = excluded.run_id, row_number = excluded.row_number,
                tallyfy_id = COALESCE(excluded.tallyfy_id, people.tallyfy_id), updated_at = excluded.updated_at;
            """;
        foreach (var name in new[] { "$target", "$kind", "$email", "$state", "$outcome", "$run", "$row", "$id", "$at" })
        {
            upsert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        // Provenance: the first record wins and is never replaced or cleared (SyncHistory's "ours").
        using var claim = _writer.CreateCommand();
        claim.CommandText = """
            INSERT OR IGNORE INTO onboarded (target, kind, email, run_id, at, how) VALUES ($target, $kind, $email, $run, $at, $how);
            """;
        foreach (var name in new[] { "$target", "$kind", "$email", "$run", "$at", "$how" })
        {
            claim.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        var batch = new List<PendingWrite>();
        var results = new List<long>();
        while (await _writes.Reader.WaitToReadAsync())
        {
            batch.Clear();
            results.Clear();
            while (_writes.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                using var transaction = _writer.BeginTransaction();
                upsert.Transaction = transaction;
                claim.Transaction = transaction;
                var now = _timeProvider.GetLocalNow().ToString("O", CultureInfo.InvariantCulture);
                foreach (var (record, statement, _) in batch)
                {
                    if (statement is not null)
                    {
                        results.Add(statement(_writer, transaction));
                        continue;
                    }

                    upsert.Parameters["$target"].Value = _target;
                    upsert.Parameters["$kind"].Value = record!.Kind.ToWord();
                    upsert.Parameters["$email"].Value = EmailAddress.Normalize(record.Email);
                    upsert.Parameters["$state"].Value = record.State;
                    upsert.Parameters["$outcome"].Value = (object?)record.Outcome ?? DBNull.Value;
                    upsert.Parameters["$run"].Value = RunId;
                    upsert.Parameters["$row"].Value = record.Row;
                    upsert.Parameters["$id"].Value = (object?)record.TallyfyId ?? DBNull.Value;
                    upsert.Parameters["$at"].Value = now;
                    upsert.ExecuteNonQuery();
                    if (record.Onboarded)
                    {
                        claim.Parameters["$target"].Value = _target;
                        claim.Parameters["$kind"].Value = record.Kind.ToWord();
                        claim.Parameters["$email"].Value = EmailAddress.Normalize(record.Email);
                        claim.Parameters["$run"].Value = RunId;
                        claim.Parameters["$at"].Value = now;
                        claim.Parameters["$how"].Value = record.Outcome;
                        claim.ExecuteNonQuery();
                    }

                    results.Add(0);
                }

                transaction.Commit();
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Committed.TrySetResult(results[i]);
                }
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                var failure = new JournalUnavailableException($"the journal {Path} could not be written ({ex.Message.TrimEnd('.')})", ex);
                batch.ForEach(p => p.Committed.TrySetException(failure));
            }
        }
    }

    private sealed record PersonRecord(PersonKind Kind, string Email, string State, string? Outcome, int Row, string? TallyfyId, bool Onboarded = false);

    /// <summary>A person's record, or another statement (<see cref="ExecuteAsync"/>), and who waits for its commit.</summary>
    private readonly record struct PendingWrite(PersonRecord? Record, Func<SqliteConnection, SqliteTransaction, long>? Statement, TaskCompletionSource<long> Committed);
}
