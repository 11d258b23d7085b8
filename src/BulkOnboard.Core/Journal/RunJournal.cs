using System.Globalization;
using System.Threading.Channels;
using BulkOnboard.Input;
using BulkOnboard.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Journal;

/// <summary>What the journal says an earlier run did for a person: <see cref="IsDone"/>, or a request that got no answer.</summary>
internal sealed record JournalEntry(string State, string? Outcome, long RunId, string At, string? TallyfyId)
{
    public bool IsDone => State == RunJournal.Done;

    /// <summary>An earlier run sent a request and never learnt its fate (it was killed, or the answer was lost).</summary>
    public bool WasInFlight => State == RunJournal.InFlight;
}

/// <summary>What <c>runs</c> keeps of a finished run.</summary>
internal sealed record RunTotals(int Total, int Created, int Invited, int Updated, int Skipped, int Invalid, int Failed, int NotAttempted, long Requests, int ExitCode);

/// <summary>
/// One run's handle on the journal (SQLite, WAL): holds the run lock, answers "was this person done
/// already?", and records each row's fate as it happens: <c>in_flight</c> before the request,
/// terminal after it. Every write goes through one writer connection and is group-committed: a row
/// waits for its own commit (made durable with <c>synchronous=FULL</c>) before its request goes out,
/// but many rows share a commit. A write that fails throws <see cref="JournalUnavailableException"/>
/// to the one who asked for it: the caller stops sending (<c>Pipeline/JournalProtocol</c>).
/// </summary>
internal sealed partial class RunJournal : IAsyncDisposable
{
    public const string InFlight = "in_flight";
    public const string Done = "done";

    private readonly SqliteConnection _writer;
    private readonly SqliteConnection _reader;
    private readonly SqliteCommand _lookup;
    private readonly string _target;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private bool _shared;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writeLoop;

    private RunJournal(string path, SqliteConnection writer, SqliteConnection reader, string target, long runId, TimeProvider timeProvider, ILogger logger)
    {
        _logger = logger;
        Path = path;
        _writer = writer;
        _reader = reader;
        _target = target;
        RunId = runId;
        _timeProvider = timeProvider;
        _lookup = reader.CreateCommand();
        _lookup.CommandText = "SELECT state, outcome, run_id, updated_at, tallyfy_id FROM people WHERE target = $target AND kind = $kind AND email = $email;";
        _lookup.Parameters.Add("$target", SqliteType.Text).Value = target;
        _lookup.Parameters.Add("$kind", SqliteType.Text);
        _lookup.Parameters.Add("$email", SqliteType.Text);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    public string Path { get; }

    /// <summary>The organization and endpoint this journal's records are of.</summary>
    public string TargetKey => _target;

    /// <summary>The run's id in <c>runs</c>; 0 until <see cref="StartRunAsync"/> when <see cref="Open"/> deferred it.</summary>
    public long RunId { get; private set; }

    /// <summary>What the run row will say, while <see cref="Open"/> has deferred it.</summary>
    private Func<SqliteConnection, SqliteTransaction?, long>? _deferredRun;

    /// <summary>
    /// Opens (or creates) the journal, takes the run lock and starts a run. <paramref name="target"/>
    /// names the API endpoint and organization: the same organization id on another endpoint is another organization.
    /// </summary>
    /// <param name="shareWithinProcess">
    /// Runs of this process that all pass <c>true</c> share one hold on the lock (the watch service's files
    /// side by side, in import mode); a run that passes <c>false</c> still finds the journal locked by them.
    /// </param>
    /// <param name="inputPath">What the run reads, as the history names it: a file's full path, or a source's address.</param>
    /// <param name="deferRun">
    /// Take the lock now, start the run later (<see cref="StartRunAsync"/>): a sync starts it once Tallyfy has
    /// been listed, so a listing that fails leaves no run without an end.
    /// </param>
    public static RunJournal Open(string path, string target, string inputPath, string inputSha256, bool forced, TimeProvider timeProvider, ILogger logger, string command = "import",
        TimeSpan? busyTimeout = null, bool shareWithinProcess = false, bool deferRun = false)
    {
        SqliteConnection? writer = null;
        SqliteConnection? reader = null;
        var holding = false;
        try
        {
            writer = JournalFile.Open(path, create: true, durable: true, busyTimeout);
            JournalSchema.Migrate(writer, path);
            var lockConnection = writer;
            SharedHolds.Enter(path, shareWithinProcess, () => JournalLock.Acquire(lockConnection, System.IO.Path.GetFileName(inputPath), timeProvider, logger));

            holding = true;
            long StartThisRun(SqliteConnection connection, SqliteTransaction? transaction) =>
                StartRun(connection, transaction, target, inputPath, inputSha256, forced, timeProvider, command);
            var runId = deferRun ? 0 : StartThisRun(writer, null);
            reader = JournalFile.Open(path, busyTimeout: busyTimeout);
            if (!deferRun)
            {
                logger.LogInformation("Journal {Path}: run {RunId}", path, runId);
            }

            return new RunJournal(path, writer, reader, target, runId, timeProvider, logger) { _shared = shareWithinProcess, _deferredRun = deferRun ? StartThisRun : null };
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            LetGo(writer, path, holding, shareWithinProcess);
            writer?.Dispose();
            reader?.Dispose();
            throw new JournalUnavailableException(
                $"the journal {path} cannot be used ({ex.Message.TrimEnd('.')}); BulkOnboard will not replace it: move it aside to start a new journal, or set Journal:Path", ex);
        }
        catch
        {
            LetGo(writer, path, holding, shareWithinProcess);
            writer?.Dispose();
            reader?.Dispose();
            throw;
        }
    }

    /// <summary>A run that could not start gives back the lock it took (or its share of it).</summary>
    private static void LetGo(SqliteConnection? writer, string path, bool holding, bool shared)
    {
        if (!holding || writer is null)
        {
            return;
        }

        try
        {
            SharedHolds.Leave(path, shared, () => JournalLock.Release(writer));
        }
        catch (SqliteException)
        {
            // The next run finds the lock of a process that is gone, or its own, and says so.
        }
    }

    /// <summary>Identifies an organization on an API endpoint, for journal keys.</summary>
    public static string Target(string baseUrl, string organizationId) =>
        $"{baseUrl.Trim().TrimEnd('/').ToLowerInvariant()}|{organizationId.Trim()}";

    /// <summary>
    /// The organization and API endpoint a <see cref="Target"/> key names, for people to read: the endpoint
    /// without user info, query or fragment, whatever an older journal kept.
    /// </summary>
    public static (string Organization, string Endpoint) Describe(string target)
    {
        var bar = target.IndexOf('|', StringComparison.Ordinal);
        var endpoint = bar < 0 ? target : target[..bar];
        var organization = bar < 0 ? string.Empty : target[(bar + 1)..];
        return (organization, Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/')
            : endpoint.Split('?', '#')[0]);
    }

    /// <summary>
    /// What earlier runs recorded for this person, if anything. One look-up at a time: the dated hires' lanes ask side by side,
    /// and a SQLite connection (its prepared command above all) is not for two threads at once ("bad parameter or other API
    /// misuse" killed a due run of the previous main in the N benchmark).
    /// </summary>
    public JournalEntry? Find(PersonKind kind, string email)
    {
        lock (_lookupLock)
        {
            _lookup.Parameters["$kind"].Value = kind.ToWord();
            _lookup.Parameters["$email"].Value = EmailAddress.Normalize(email);
            using var reader = _lookup.ExecuteReader();
            return reader.Read()
                ? new JournalEntry(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4))
                : null;
        }
    }

    private readonly Lock _lookupLock = new();

    /// <summary>Records that a request for this person is about to go out; returns once that is committed.</summary>
    public Task MarkInFlightAsync(PersonKind kind, string email, int row) =>
        Enqueue(new PersonRecord(kind, email, InFlight, null, row, null));

    /// <summary>
    /// Records how a person's request ended (<paramref name="outcome"/> and <paramref name="reason"/> as the
    /// reports write them). Done rows are skipped by later runs; the rest are tried again; one that may
    /// have been applied stays in flight, so the next run checks before sending it again.
    /// <paramref name="onboarded"/>: Tallyfy's answer shows that this request created or invited the
    /// person, so they are BulkOnboard's from now on (<see cref="Onboarded"/>; recorded once, never cleared).
    /// </summary>
    public Task RecordAsync(PersonKind kind, string email, int row, string outcome, string? reason, string? tallyfyId, bool maybeApplied, bool onboarded = false)
    {
        var (state, recorded) = outcome switch
        {
            "created" or "invited" or "updated" => (Done, outcome),
            "skipped" when reason == "already_exists" => (Done, "skipped:already_exists"),
            _ when maybeApplied => (InFlight, outcome),
            _ => (outcome, outcome),
        };
        return Enqueue(new PersonRecord(kind, email, state, recorded, row, tallyfyId, onboarded));
    }

    /// <summary>Writes the run's totals. A journal that can no longer be written is logged, never thrown: the run's reports are written already.</summary>
    public async Task FinishAsync(RunTotals summary)
    {
        var ended = _timeProvider.GetLocalNow().ToString("O", CultureInfo.InvariantCulture);
        try
        {
            await ExecuteAsync((connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    UPDATE runs SET ended_at = $ended, total = $total, created = $created, invited = $invited, updated = $updated,
                        skipped = $skipped, invalid = $invalid, failed = $failed, not_attempted = $not_attempted,
                        requests = $requests, exit_code = $exit WHERE id = $id;
                    """;
                command.Parameters.AddWithValue("$ended", ended);
                command.Parameters.AddWithValue("$total", summary.Total);
                command.Parameters.AddWithValue("$created", summary.Created);
                command.Parameters.AddWithValue("$invited", summary.Invited);
                command.Parameters.AddWithValue("$updated", summary.Updated);
                command.Parameters.AddWithValue("$skipped", summary.Skipped);
                command.Parameters.AddWithValue("$invalid", summary.Invalid);
                command.Parameters.AddWithValue("$failed", summary.Failed);
                command.Parameters.AddWithValue("$not_attempted", summary.NotAttempted);
                command.Parameters.AddWithValue("$requests", summary.Requests);
                command.Parameters.AddWithValue("$exit", summary.ExitCode);
                command.Parameters.AddWithValue("$id", RunId);
                return command.ExecuteNonQuery();
            });
        }
        catch (JournalUnavailableException ex)
        {
            _logger.LogError("The run's totals were not recorded: {Message}", ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writeLoop;
        _lookup.Dispose();
        try
        {
            SharedHolds.Leave(Path, _shared, () => JournalLock.Release(_writer));
        }
        catch (SqliteException ex)
        {
            // The next run finds the lock of a process that is gone and takes it over.
            _logger.LogError("The journal's run lock could not be released ({Message})", ex.Message);
        }

        _reader.Dispose();
        _writer.Dispose();
    }

    /// <summary>Starts the run <see cref="Open"/> deferred (through the writer, as every write); nothing when it started at once.</summary>
    public async Task StartRunAsync()
    {
        if (Interlocked.Exchange(ref _deferredRun, null) is not { } start)
        {
            return;
        }

        RunId = await ExecuteAsync((connection, transaction) => start(connection, transaction));
        _logger.LogInformation("Journal {Path}: run {RunId}", Path, RunId);
    }

    private static long StartRun(SqliteConnection connection, SqliteTransaction? transaction, string target, string inputPath, string sha256, bool forced, TimeProvider timeProvider,
        string commandName)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO runs (target, file_name, file_sha256, started_at, host, pid, forced, command)
            VALUES ($target, $file, $sha, $started, $host, $pid, $forced, $command) RETURNING id;
            """;
        command.Parameters.AddWithValue("$command", commandName);
        command.Parameters.AddWithValue("$target", target);
        command.Parameters.AddWithValue("$file", inputPath);
        command.Parameters.AddWithValue("$sha", sha256);
        command.Parameters.AddWithValue("$started", timeProvider.GetLocalNow().ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$host", Environment.MachineName);
        command.Parameters.AddWithValue("$pid", Environment.ProcessId);
        command.Parameters.AddWithValue("$forced", forced ? 1 : 0);
        return (long)command.ExecuteScalar()!;
    }
}
