using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>One approval task asked in Tallyfy for a plan's held changes (<c>approvals</c>).</summary>
/// <param name="State"><c>asking</c> (the task's create was sent), <c>open</c>, <c>applied</c>, <c>rejected</c> or <c>stale</c>.</param>
/// <param name="PendingComment">A comment Tallyfy's cap held back, sent at the next read.</param>
/// <param name="Note">What was last said about it (so the same thing is not commented twice).</param>
internal sealed record ApprovalRecord(long Id, string? TaskId, long RunId, string PlanPath, string PlanSha256, string RosterPath, string RosterSha256, string State,
    DateTimeOffset AskedAt, string? Note, string? PendingComment)
{
    public bool IsOpen => State is RunJournal.ApprovalAsking or RunJournal.ApprovalOpen or RunJournal.ApprovalApplying;
}

/// <summary>
/// The approval tasks asked in Tallyfy (PRODUCT.md, "Approvals inside Tallyfy"): recorded before the task's create goes
/// out (a lost answer is looked for, never asked twice), open until an approver's decision is acted on.
/// </summary>
internal sealed partial class RunJournal
{
    public const string ApprovalAsking = "asking";
    public const string ApprovalOpen = "open";
    public const string ApprovalApplying = "applying";

    /// <summary>
    /// Claims an open approval for this run's apply (committed first): <c>false</c> when another run has it (two reads at
    /// once never apply one decision twice). One left being applied by a run that died is claimed again after an hour.
    /// </summary>
    public async Task<bool> ClaimApprovalAsync(long id) => await ExecuteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE approvals SET state = 'applying', updated_at = $now WHERE id = $id AND (state = 'open' OR (state = 'applying' AND updated_at < $stale));";
        command.Parameters.AddWithValue("$id", id);
        var now = _timeProvider.GetUtcNow();
        command.Parameters.AddWithValue("$now", now.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$stale", (now - TimeSpan.FromHours(1)).ToString("O", CultureInfo.InvariantCulture));
        return command.ExecuteNonQuery();
    }) == 1;

    /// <summary>The approvals not decided yet (asking, open, or being applied), and those with a comment still to send, oldest first.</summary>
    public List<ApprovalRecord> OpenApprovals()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = """
            SELECT id, task_id, run_id, plan_path, plan_sha256, roster_path, roster_sha256, state, asked_at, note, pending_comment
            FROM approvals WHERE target = $target AND (state IN ('asking', 'open', 'applying') OR pending_comment IS NOT NULL) ORDER BY id;
            """;
        command.Parameters.AddWithValue("$target", _target);
        var approvals = new List<ApprovalRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            approvals.Add(new ApprovalRecord(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), DateTimeOffset.Parse(reader.GetString(8), CultureInfo.InvariantCulture),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return approvals;
    }

    /// <summary>Records that an approval task is being asked for this plan (before its create goes out); returns its id.</summary>
    public Task<long> RecordAskingAsync(string planPath, string planSha256, string rosterPath, string rosterSha256) => ExecuteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO approvals (target, task_id, run_id, plan_path, plan_sha256, roster_path, roster_sha256, state, asked_at, updated_at)
            VALUES ($target, NULL, $run, $plan, $planSha, $roster, $rosterSha, 'asking', $now, $now);
            SELECT last_insert_rowid();
            """;
        command.Parameters.AddWithValue("$target", _target);
        command.Parameters.AddWithValue("$run", RunId);
        command.Parameters.AddWithValue("$plan", planPath);
        command.Parameters.AddWithValue("$planSha", planSha256);
        command.Parameters.AddWithValue("$roster", rosterPath);
        command.Parameters.AddWithValue("$rosterSha", rosterSha256);
        command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    });

    /// <summary>Updates an approval: its task, its state, what was last said, and a comment still to send (<c>""</c> clears it).</summary>
    public Task UpdateApprovalAsync(long id, string? taskId = null, string? state = null, string? note = null, string? pendingComment = null) => ExecuteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE approvals SET task_id = COALESCE($task, task_id), state = COALESCE($state, state), note = COALESCE($note, note),
                pending_comment = CASE WHEN $comment IS NULL THEN pending_comment WHEN $comment = '' THEN NULL
                    WHEN pending_comment IS NULL THEN $comment ELSE pending_comment || char(10) || char(10) || $comment END, updated_at = $now
            WHERE id = $id;
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$task", (object?)taskId ?? DBNull.Value);
        command.Parameters.AddWithValue("$state", (object?)state ?? DBNull.Value);
        command.Parameters.AddWithValue("$note", (object?)note ?? DBNull.Value);
        command.Parameters.AddWithValue("$comment", (object?)pendingComment ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        return command.ExecuteNonQuery();
    });
}
