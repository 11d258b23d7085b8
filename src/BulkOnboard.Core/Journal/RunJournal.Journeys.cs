using System.Globalization;
using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>One person's launch of one journey, as the journal holds it (<c>journey_launches</c>).</summary>
/// <param name="State"><see cref="RunJournal.InFlight"/> (sent, its fate unknown until settled), <see cref="RunJournal.Done"/> (Tallyfy holds the process), or <see cref="RunJournal.LaunchFailed"/>
/// (refused: tried again by a later run).</param>
/// <param name="ProcessName">The name it was sent under (what a lost answer's process is looked for by).</param>
internal sealed record JourneyLaunchEntry(string Journey, string Person, string State, string? Outcome, string? ProcessId, string? ProcessName, long RunId, string At)
{
    public bool IsDone => State == RunJournal.Done;

    public bool WasInFlight => State == RunJournal.InFlight;
}

/// <summary>
/// Each onboarding journey launched, per person (PRODUCT.md, "Onboarding journeys": exactly once per organization, journey
/// and person; the person is their <c>employee_id</c> when the input has one, else their email): claimed in flight
/// (committed) before <c>POST /runs</c> goes out, done with the process id once Tallyfy holds it. A claim found in flight
/// was sent by a run that never learnt its fate: it is looked for first. Each journey's first run is kept (<c>journeys</c>):
/// on a later run a person is owed a launch only when BulkOnboard onboarded them from then on.
/// </summary>
internal sealed partial class RunJournal
{
    public const string LaunchFailed = "failed";

    private const string LaunchColumns = "journey, person, state, outcome, process_id, process_name, run_id, updated_at";

    /// <summary>What the journal holds of every launch: (journey, person) → its state and process. Read once before a run's rows, on one thread.</summary>
    public Dictionary<(string Journey, string Person), (string State, string? ProcessId)> Launches()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT journey, person, state, process_id FROM journey_launches WHERE target = $target;";
        command.Parameters.AddWithValue("$target", _target);
        var launches = new Dictionary<(string, string), (string, string?)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            launches[(reader.GetString(0), reader.GetString(1))] = (reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }

        return launches;
    }

    /// <summary>
    /// Remembers the first run each journey was configured in (kept once): a person BulkOnboard onboarded from that run on,
    /// whose launch is not done, is owed one (a crash between the invite and the launch); someone onboarded before is not.
    /// Returns each journey's first run.
    /// </summary>
    public async Task<Dictionary<string, long>> RegisterJourneysAsync(IReadOnlyCollection<string> journeys)
    {
        var first = new Dictionary<string, long>(StringComparer.Ordinal);
        await ExecuteAsync((connection, transaction) =>
        {
            foreach (var journey in journeys)
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT OR IGNORE INTO journeys (target, journey, first_run) VALUES ($target, $journey, $run);
                    SELECT first_run FROM journeys WHERE target = $target AND journey = $journey;
                    """;
                command.Parameters.AddWithValue("$target", _target);
                command.Parameters.AddWithValue("$journey", journey);
                command.Parameters.AddWithValue("$run", RunId);
                first[journey] = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

            return 0;
        });
        return first;
    }

    /// <summary>The run that onboarded each person BulkOnboard onboarded (normalized emails).</summary>
    public Dictionary<(Input.PersonKind Kind, string Email), long> OnboardedRuns()
    {
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT kind, email, run_id FROM onboarded WHERE target = $target;";
        command.Parameters.AddWithValue("$target", _target);
        var runs = new Dictionary<(Input.PersonKind, string), long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            runs[(KindOf(reader.GetString(0)), reader.GetString(1))] = reader.GetInt64(2);
        }

        return runs;
    }

    /// <summary>
    /// Claims the launch for this run, committed before the request goes out: returns what was recorded before (a done
    /// launch is left as it is and must not be sent; one in flight may have launched and must be looked for first, by the
    /// name it was sent under).
    /// </summary>
    /// <param name="templateId">The launch's template; <c>null</c> only reads what is recorded (a launch that cannot be built claims nothing).</param>
    public async Task<JourneyLaunchEntry?> ClaimLaunchAsync(string journey, string person, string email, string? templateId, string? processName)
    {
        JourneyLaunchEntry? before = null;
        await ExecuteAsync((connection, transaction) =>
        {
            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = $"SELECT {LaunchColumns} FROM journey_launches WHERE target = $target AND journey = $journey AND person = $person;";
            Keys(read.Parameters, journey, person);
            using (var reader = read.ExecuteReader())
            {
                before = reader.Read() ? Entry(reader) : null;
            }

            if (before is { IsDone: true } || templateId is null)
            {
                return 0;
            }

            // The name it went out under first is kept while it is in flight: a lost answer's process carries that name.
            using var claim = connection.CreateCommand();
            claim.Transaction = transaction;
            claim.CommandText = """
                INSERT INTO journey_launches (target, journey, person, email, state, outcome, template_id, process_name, process_id, run_id, updated_at)
                VALUES ($target, $journey, $person, $email, $state, NULL, $template, $name, NULL, $run, $now)
                ON CONFLICT (target, journey, person) DO UPDATE SET state = excluded.state, email = excluded.email, template_id = excluded.template_id,
                    process_name = CASE WHEN journey_launches.state = 'in_flight' AND journey_launches.process_name IS NOT NULL THEN journey_launches.process_name ELSE excluded.process_name END,
                    run_id = excluded.run_id, updated_at = excluded.updated_at;
                """;
            Keys(claim.Parameters, journey, person);
            claim.Parameters.AddWithValue("$email", EmailAddress.Normalize(email));
            claim.Parameters.AddWithValue("$state", InFlight);
            claim.Parameters.AddWithValue("$template", templateId);
            claim.Parameters.AddWithValue("$name", (object?)processName ?? DBNull.Value);
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
    public Task RecordLaunchAsync(string journey, string person, string state, string outcome, string? processId) => ExecuteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE journey_launches SET state = $state, outcome = $outcome, process_id = COALESCE($process, process_id), run_id = $run, updated_at = $now
            WHERE target = $target AND journey = $journey AND person = $person;
            """;
        Keys(command.Parameters, journey, person);
        command.Parameters.AddWithValue("$state", state);
        command.Parameters.AddWithValue("$outcome", outcome);
        command.Parameters.AddWithValue("$process", (object?)processId ?? DBNull.Value);
        command.Parameters.AddWithValue("$run", RunId);
        command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        return command.ExecuteNonQuery();
    });

    private void Keys(SqliteParameterCollection parameters, string journey, string person)
    {
        parameters.AddWithValue("$target", _target);
        parameters.AddWithValue("$journey", journey);
        parameters.AddWithValue("$person", person);
    }

    private static JourneyLaunchEntry Entry(SqliteDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt64(6), reader.GetString(7));
}
