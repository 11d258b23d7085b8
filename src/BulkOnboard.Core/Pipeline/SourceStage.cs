using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Input.Sources;
using BulkOnboard.Journal;
using BulkOnboard.Reporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Pipeline;

/// <summary>
/// The first step of a run whose input is a source: fetch it to a private temporary file, compare it with
/// the last good fetch of that source (the journal's <c>source_fetches</c>), pass it through the gates, and
/// hand the pipeline a local file. A plain path goes through untouched. Refusals are recorded and thrown
/// (<see cref="SourceRefusedException"/>, exit 6); an unchanged source is not run again.
/// </summary>
internal sealed class SourceStage(
    IConfiguration configuration,
    IOptions<ImportOptions> importOptions,
    IOptions<JournalOptions> journalOptions,
    IOptions<TallyfyOptions> tallyfyOptions,
    StandardInput standardInput,
    TimeProvider timeProvider,
    ILogger<SourceStage> logger)
{
    public SourceResolver Resolver { get; } = new(configuration);

    /// <param name="argument">What was given where a file is accepted.</param>
    /// <param name="sends">The run sends (import, sync --yes): then the fetch is recorded, and an unchanged source is not run again.</param>
    /// <param name="force"><c>--force</c>: run an unchanged source anyway.</param>
    public async Task<SourceLease> OpenAsync(string argument, bool sends, bool force, CancellationToken cancellationToken)
    {
        var source = Resolver.Resolve(argument);
        if (source.Kind == SourceKind.File)
        {
            return new SourceLease(argument, source, null, null, null, null, timeProvider);
        }

        var limits = Resolver.Limits;
        logger.LogInformation("Fetching {Source}", source.Display);
        try
        {
            return await FetchAndCheckAsync(source, limits, sends, force, cancellationToken);
        }
        catch (SourceRefusedException ex) when (ex.SourceName is null)
        {
            throw new SourceRefusedException(ex.Message, ex.InnerException) { SourceName = source.FileName };
        }
    }

    private async Task<SourceLease> FetchAndCheckAsync(SourceDefinition source, SourceLimits limits, bool sends, bool force, CancellationToken cancellationToken)
    {
        var fetched = await FetchAsync(source, limits, cancellationToken);
        try
        {
            var journal = JournalRequest(sends);
            var baseline = journal is not null && source.Identity is { } identity ? SourceHistory.LastGood(journal.Path, journal.Target, identity) : null;
            logger.LogInformation("Fetched {Source}: {Bytes} bytes, SHA-256 {Sha}{ETag}{Modified}", source.Display, fetched.Size, fetched.Sha256[..12],
                fetched.Metadata.ETag is { } etag ? $", ETag {etag}" : string.Empty,
                fetched.Metadata.LastModified is { } modified ? $", last modified {modified.ToUniversalTime():u}" : string.Empty);
            if (sends && !force && baseline is { RunSettledIt: true } && baseline.Sha256 == fetched.Sha256)
            {
                var why = $"unchanged since run {baseline.RunId}";
                logger.LogInformation("Source {Source} is {Why} (same SHA-256, fetched {At:u}): nothing to send; --force runs it again (after a change of mapping or settings, say)",
                    source.Display, why, baseline.FetchedAt.ToUniversalTime());
                Record(journal, fetched, null, null, good: false, why);
                return new SourceLease(fetched.Path, source, fetched, baseline, null, journal, timeProvider) { UnchangedSinceRun = baseline.RunId ?? 0 };
            }

            SourceShape shape;
            try
            {
                var options = importOptions.Value;
                shape = SourceGates.Check(fetched, baseline, (path, scanners) => options.OpenInputUntil(path, scanners, cancellationToken), timeProvider.GetUtcNow());
            }
            catch (SourceRefusedException ex)
            {
                if (sends)
                {
                    Record(journal, fetched, null, null, good: false, ex.Message);
                }

                throw;
            }

            if (source.Gates.MaxAge is { } maxAge && fetched.Metadata.LastModified is null)
            {
                logger.LogWarning("Source {Source} gives no time it was last modified (no Last-Modified): Sources:MaxAge ({MaxAge}) cannot be checked", source.Display, maxAge);
            }

            logger.LogInformation("Source {Source} passed its gates: {Rows} rows{Baseline}", source.Display, shape.Rows,
                baseline is null ? " (no earlier good fetch to compare with)" : $" (last good fetch: {baseline.Rows} rows, run {baseline.RunId})");
            return new SourceLease(fetched.Path, source, fetched, baseline, shape, sends ? journal : null, timeProvider);
        }
        catch
        {
            fetched.Dispose();
            throw;
        }
    }

    /// <summary>Fetches <paramref name="source"/> within <paramref name="limits"/>: a server's fetch ends at its deadline (standard input is the caller's own pipe, and Ctrl+C ends it).</summary>
    private async Task<FetchedSource> FetchAsync(SourceDefinition source, SourceLimits limits, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(limits.Deadline, timeProvider);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return source.Kind switch
            {
                SourceKind.StandardInput => await FetchedSource.CreateAsync(source, limits.MaxBytes, async (file, token) =>
                {
                    await using var input = standardInput.Open();
                    await input.CopyToAsync(file, token);
                    return new SourceMetadata(null, null, null);
                }, cancellationToken),
                SourceKind.Http => await new HttpSource(Resolver.CaCertificate, limits, timeProvider).FetchAsync(source, bounded.Token),
                SourceKind.Sftp => await new SftpSource(limits).FetchAsync(source, bounded.Token),
                _ => throw new ArgumentOutOfRangeException(nameof(source)),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new InputException($"{source.Display}: fetching was stopped (Ctrl+C or SIGTERM) before anything was sent");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw limits.TooSlow(source.Display);
        }
    }

    /// <summary>Set by <c>--sandbox</c>: the endpoint its sources' history is kept under, since its port changes with every run.</summary>
    public const string HistoryEndpointKey = "Sources:HistoryEndpoint";

    /// <summary>
    /// The journal and organization the source's fetches are kept under. A command that sends nothing
    /// (<c>validate</c>, <c>inspect</c>) asks for no credentials: it reads the settings as they are, and with no
    /// organization set there is no earlier fetch to compare with (<c>null</c>).
    /// </summary>
    private JournalRequest? JournalRequest(bool sends)
    {
        var tallyfy = sends ? tallyfyOptions.Value : configuration.GetSection(TallyfyOptions.Section).Get<TallyfyOptions>() ?? new TallyfyOptions();
        if (!sends && (string.IsNullOrWhiteSpace(tallyfy.OrganizationId) || string.IsNullOrWhiteSpace(tallyfy.BaseUrl)))
        {
            return null;
        }

        var request = Pipeline.JournalRequest.For(journalOptions.Value, tallyfy, force: false);
        return request is not null && configuration[HistoryEndpointKey] is { Length: > 0 } endpoint
            ? request with { Target = RunJournal.Target(endpoint, tallyfy.OrganizationId ?? string.Empty) }
            : request;
    }

    private void Record(JournalRequest? journal, FetchedSource fetched, SourceShape? shape, long? runId, bool good, string? why)
    {
        if (journal is not null && fetched.Source.Identity is not null)
        {
            SourceHistory.Record(journal.Path, journal.Target, fetched, shape, runId, good, why, timeProvider.GetUtcNow());
        }
    }

    /// <summary>
    /// What a run reads: <see cref="Path"/>, a plain file or the fetched copy (deleted when disposed), and
    /// what the stage learnt of the source.
    /// </summary>
    internal sealed class SourceLease(string path, SourceDefinition source, FetchedSource? fetched, SourceBaseline? baseline, SourceShape? shape, JournalRequest? journal,
        TimeProvider timeProvider) : IDisposable
    {
        public string Path => path;

        public SourceDefinition Source => source;

        public FetchedSource? Fetched => fetched;

        public SourceBaseline? Baseline => baseline;

        /// <summary>The run of the last good fetch, when this fetch is the same (nothing to run); else <c>null</c>.</summary>
        public long? UnchangedSinceRun { get; init; }

        /// <summary>Records the fetch with the run that used it: good when the run finished (exit 0, 2 or 5).</summary>
        public void Finish(RunSummary summary)
        {
            if (fetched is null || journal is null || fetched.Source.Identity is null || UnchangedSinceRun is not null)
            {
                return;
            }

            var good = summary.ExitCode is ExitCodes.Success or ExitCodes.RowsNeedAttention or ExitCodes.LeaversHeld;
            SourceHistory.Record(journal.Path, journal.Target, fetched, shape, summary.RunId, good, good ? null : $"run ended with exit code {summary.ExitCode}", timeProvider.GetUtcNow());
        }

        public void Dispose() => fetched?.Dispose();
    }
}
