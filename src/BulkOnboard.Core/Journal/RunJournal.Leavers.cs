using System.Globalization;
using BulkOnboard.Plan;

namespace BulkOnboard.Journal;

/// <summary>
/// What the leaver policy (<see cref="LeaverPolicy"/>) reads from the journal, whichever path asks: the
/// leaver actions carried out in the last 24 hours on any path (the caps count them), the rosters applied
/// (the size guard), and dated leaver actions it parked as held (reported once, again when the guard changes).
/// </summary>
internal sealed partial class RunJournal
{
    /// <summary>
    /// Deactivations and removals carried out for this organization since <paramref name="since"/>, by any run
    /// and any path (sync, apply, due): those Tallyfy applied, and those sent whose answer never came (they may
    /// have been applied). Holds, failures and undos do not count.
    /// </summary>
    public int LeaverActionsSince(DateTimeOffset since)
    {
        using var command = _reader.CreateCommand();
        command.CommandText = """
            SELECT at FROM sync_actions WHERE target = $target AND (action IN ('deactivate', 'remove')
                AND outcome IN ('deactivated', 'removed', $inFlight, $unsettled) OR action = 'convert_to_guest' AND outcome = 'updated');
            """;
        command.Parameters.AddWithValue("$target", _target);
        command.Parameters.AddWithValue("$inFlight", ActionInFlight);
        command.Parameters.AddWithValue("$unsettled", ActionUnsettled);
        var count = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // Stored with the local offset of the run that wrote it: compared as instants, not as text.
            if (DateTimeOffset.TryParse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && at >= since)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The people of the roster applied last to this organization, or <c>null</c> when none was.</summary>
    private int? LastRosterPeople()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT people FROM sync_rosters WHERE target = $target ORDER BY run_id DESC LIMIT 1;";
        command.Parameters.AddWithValue("$target", _target);
        return command.ExecuteScalar() is long people ? (int)people : null;
    }

    /// <summary>
    /// The people BulkOnboard manages in this organization as far as the journal knows: those it onboarded,
    /// less those whose last leaver action (or undo) took them away.
    /// </summary>
    private int ManagedPeople()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*) FROM onboarded o WHERE o.target = $target AND COALESCE((
                SELECT a.outcome FROM sync_actions a
                WHERE a.target = o.target AND a.kind = o.kind AND a.email = o.email AND a.action IN ('deactivate', 'remove', 'enable', 'recreate')
                    AND a.outcome NOT IN ('held', 'failed')
                ORDER BY a.id DESC LIMIT 1), '') NOT IN ('deactivated', 'removed');
            """;
        command.Parameters.AddWithValue("$target", _target);
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The leaver policy's window for a dated action coming due now: the caps' 24 hours, the last roster applied and its baseline, the people managed.</summary>
    public LeaverWindow LeaverWindow(DateTimeOffset now, TimeSpan baselineWindow) =>
        new(LastRosterPeople(), RosterBaseline(now, baselineWindow), LeaverActionsSince(now - LeaverPolicy.CapWindow), ManagedPeople());

    /// <summary>Parks a pending dated action the policy holds: it stays pending, with the guard that holds it.</summary>
    public Task ParkDueAsync(long id, string code, string reason) => ExecuteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE due_actions SET held_code = $code, held_reason = $reason, updated_at = $now WHERE id = $id;";
        command.Parameters.AddWithValue("$code", code);
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteNonQuery();
    });
}
