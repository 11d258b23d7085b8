using System.Globalization;
using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>One person's launch of one journey, as the journal holds it (<c>journey_launches</c>).</summary>
/// <param name="State"><see cref="RunJournal.InFlight"/> (sent, its fate unknown until settled), <see cref="RunJournal.Done"/> (Tallyfy holds the process), or <c>failed</c> (refused: tried again by a later run).</param>
internal sealed record JourneyLaunchEntry(string Journey, string Email, string State, string? Outcome, string? ProcessId, long RunId, string At)
{
    public bool IsDone => State == RunJournal.Done;

    public bool WasInFlight => State == RunJournal.InFlight;
}

/// <summary>
/// Each onboarding journey launched, per person (PRODUCT.md, "Onboarding journeys": exactly once per organization,
/// journey and person): claimed in flight, committed, before <c>POST /runs</c> goes out; done with the process id once
/// Tallyfy holds it. A claim found in flight was sent by a run that never learnt its fate: it is looked for first.
/// </summary>
internal sealed partial class RunJournal
{
    public const string LaunchFailed = "failed";

    private readonly Lock _launchReads = new();

    /// <summary>
    /// Claims the launch for this run, committed before the request goes out: returns what was recorded before (a done
    /// launch is left as it is and must not be sent; one in flight may have launched and must be looked for first).
    /// </summary>
    /// <param name="templateId">The launch's template; <c>null</c> only reads what is recorded (a launch that cannot be built claims nothing).</param>
    public async Task<JourneyLaunchEntry?> ClaimLaunchAsync(string journey, string email, string? templateId, string? processName)
    {
        JourneyLaunchEntry? before = null;
        await ExecuteAsync((connection, transaction) =>
        {
            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "SELECT journey, email, state, outcome, process_id, run_id, updated_at FROM journey_launches WHERE target = $target AND journey = $journey AND email = $email;";
            Keys(read.Parameters, journey, email);
            using (var reader = read.ExecuteReader())
            {
                before = reader.Read() ? Entry(reader) : null;
            }

            if (before is { IsDone: true } || templateId is null)
            {
                return 0;
            }

            using var claim = connection.CreateCommand();
            claim.Transaction = transaction;
            claim.CommandText = """
                INSERT INTO journey_launches (target, journey, email, state, outcome, template_id, process_name, process_id, run_id, updated_at)
                VALUES ($target, $journey, $email, $state, NULL, $template, $name, NULL, $run, $now)
                ON CONFLICT (target, journey, email) DO UPDATE SET state = excluded.state, template_id = excluded.template_id,
                    process_name = excluded.process_name, run_id = excluded.run_id, updated_at = excluded.updated_at;
                """;
            Keys(claim.Parameters, journey, email);
            claim.Parameters.AddWithValue("$state", InFlight);
            claim.Parameters.AddWithValue("$template", templateId);
            claim.Parameters.AddWithValue("$name", processName);
            claim.Parameters.AddWithValue("$run", RunId);
            claim.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            return claim.ExecuteNonQuery();
        });
        return before;
    }

    /// <summary>
    /// How a claimed launch ended: <see cref="Done"/> with the process id when Tallyfy holds it, <see cref="LaunchFailed"/> when
    /// it was refused, <see cref="InFlight"/> (kept) when nobody knows whether it launched.
    /// </summary>
    public Task RecordLaunchAsync(string journey, string email, string state, string outcome, string? processId) => ExecuteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE journey_launches SET state = $state, outcome = $outcome, process_id = COALESCE($process, process_id), run_id = $run, updated_at = $now
            WHERE target = $target AND journey = $journey AND email = $email;
            """;
        Keys(command.Parameters, journey, email);
        command.Parameters.AddWithValue("$state", state);
        command.Parameters.AddWithValue("$outcome", outcome);
        command.Parameters.AddWithValue("$process", (object?)processId ?? DBNull.Value);
        command.Parameters.AddWithValue("$run", RunId);
        command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        return command.ExecuteNonQuery();
    });

    private void Keys(SqliteParameterCollection parameters, string journey, string email)
    {
        parameters.AddWithValue("$target", _target);
        parameters.AddWithValue("$journey", journey);
        parameters.AddWithValue("$email", EmailAddress.Normalize(email));
    }

    private static JourneyLaunchEntry Entry(SqliteDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5), reader.GetString(6));
}
