using System.Globalization;
using BulkOnboard.Input;
using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>
/// The journal's one writer: every write is queued, and one loop commits them in groups on the writer
/// connection (<c>synchronous=FULL</c>); each caller waits for its own commit, and a failed commit throws
/// <see cref="JournalUnavailableException"/> to every caller of that group. Any other failure stops the
/// writer for good: every write queued or asked for later fails at once, so no caller ever waits for a
/// commit that will not come (PRODUCT.md, "The journal is private and never hangs a run").
/// </summary>
internal sealed partial class RunJournal
{
    /// <summary>Why the writer stopped for good, once it has.</summary>
    private JournalUnavailableException? _broken;

    private Task Enqueue(PersonRecord record) => EnqueueAsync(new PendingWrite(record, null, NewCommit()));

    /// <summary>Runs <paramref name="statement"/> on the writer connection in its next commit; returns its result once committed.</summary>
    private Task<long> ExecuteAsync(Func<SqliteConnection, SqliteTransaction, long> statement) => EnqueueAsync(new PendingWrite(null, statement, NewCommit()));

    private static TaskCompletionSource<long> NewCommit() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task<long> EnqueueAsync(PendingWrite pending)
    {
        if (!_writes.Writer.TryWrite(pending))
        {
            return Task.FromException<long>(Volatile.Read(ref _broken) is { } broken
                ? new JournalUnavailableException(broken.Message, broken.InnerException)
                : new JournalUnavailableException($"the journal {Path} is closed"));
        }

        return pending.Committed.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>();
        try
        {
            await WriteBatchesAsync(batch);
        }
        catch (Exception ex)
        {
            // Not a failure the loop foresaw (a bug, a fault beneath SQLite): the writer cannot be trusted
            // any more. Closed first, so that nothing can join the queue after it has been emptied.
            var failure = new JournalUnavailableException($"the journal {Path} could not be written ({ex.GetType().Name}: {ex.Message.TrimEnd('.')}); its writer stopped", ex);
            Volatile.Write(ref _broken, failure);
            _writes.Writer.TryComplete();
            batch.ForEach(p => p.Committed.TrySetException(failure));
            while (_writes.Reader.TryRead(out var pending))
            {
                pending.Committed.TrySetException(failure);
            }
        }
    }

    private async Task WriteBatchesAsync(List<PendingWrite> batch)
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
                    JournalWriteFaults.RaiseIfInjected(Path);
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
                // SQLite refused this commit (busy past the timeout, disk full): its callers stop the run; a
                // later write (the outcome of a request already made) may still go through.
                var failure = new JournalUnavailableException($"the journal {Path} could not be written ({ex.Message.TrimEnd('.')})", ex);
                batch.ForEach(p => p.Committed.TrySetException(failure));
                batch.Clear();
            }
        }
    }

    private sealed record PersonRecord(PersonKind Kind, string Email, string State, string? Outcome, int Row, string? TallyfyId, bool Onboarded = false);

    /// <summary>A person's record, or another statement (<see cref="ExecuteAsync"/>), and who waits for its commit.</summary>
    private readonly record struct PendingWrite(PersonRecord? Record, Func<SqliteConnection, SqliteTransaction, long>? Statement, TaskCompletionSource<long> Committed);
}
