using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Reporting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Outcome = BulkOnboard.Reporting.Outcome;

namespace BulkOnboard.Delivery;

/// <summary>
/// Sends one row: waits its turn at the <see cref="PacingGate"/>, passes the <see cref="OutageBreaker"/>
/// (which bounds each attempt with a timeout), retries transient failures with exponential backoff and
/// jitter (honouring <c>Retry-After</c>), and turns the final response into the row's outcome. While the
/// breaker is open rows wait rather than spend their attempts; an outage past <c>Delivery:GiveUpAfter</c>
/// stops the run.
/// </summary>
public sealed partial class RowSender
{
    /// <summary>How long everyone pauses after a 429 that carries no <c>Retry-After</c>.</summary>
    public static readonly TimeSpan DefaultRateLimitPause = TimeSpan.FromSeconds(5);

    private static readonly ResiliencePropertyKey<AttemptState> AttemptKey = new("bulkonboard.attempt");

    private readonly TallyfyClient _client;
    private readonly PacingGate _gate;
    private readonly DeliveryStats _stats;

    private readonly DeliveryOptions _options;
    private readonly ILogger<RowSender> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly bool _updateExisting;
    private readonly ResiliencePipeline<ApiVerdict> _pipeline;
    private readonly OutageBreaker _breaker;

    // When the API last gave an answer that was not a transient failure; an outage longer than
    // Delivery:GiveUpAfter stops the run instead of burning every row's retries.
    private long _lastAnswer;

    public RowSender(TallyfyClient client, PacingGate gate, DeliveryStats stats, IOptions<DeliveryOptions> options, TimeProvider timeProvider, ILogger<RowSender> logger,
        IOptions<ImportOptions>? importOptions = null)
    {
        _updateExisting = importOptions?.Value.UpdateExisting ?? false;
        _client = client;
        _gate = gate;
        _stats = stats;
        _options = options.Value;
        _logger = logger;
        _timeProvider = timeProvider;
        _lastAnswer = timeProvider.GetTimestamp();
        _breaker = new OutageBreaker(_options, gate, UntilGiveUp, timeProvider, logger);
        _pipeline = BuildPipeline(timeProvider);
    }

    /// <summary>Requests, retries and 429s of this sender's run.</summary>
    public DeliveryStats Stats => _stats;

    /// <summary>
    /// Sends <paramref name="payload"/> until it succeeds, fails for good or runs out of attempts.
    /// <paramref name="stopSending"/> ends the row before its next attempt; <paramref name="hardStop"/>
    /// also abandons an attempt in flight. <paramref name="unansweredBefore"/> is when an earlier run
    /// (killed, say) sent this row without learning its fate: a duplicate now is then most likely its doing.
    /// </summary>
    public async Task<DeliveryResult> SendAsync(PersonPayload payload, CancellationToken stopSending, CancellationToken hardStop, DateTimeOffset? unansweredBefore = null)
    {
        var attempt = new AttemptState(payload, ct => _client.SendAsync(payload, ct), stopSending, hardStop)
        {
            FirstUnansweredAt = unansweredBefore,
            LastError = unansweredBefore is null ? null : "an earlier run sent it and stopped before the answer came",
        };
        var (verdict, ended) = await ExecuteAsync(attempt);
        if (ended is not null)
        {
            return ended;
        }

        if (verdict.Kind == ApiVerdictKind.AlreadyExists && attempt.FirstUnansweredAt is { } unansweredAt)
        {
            return await ResolveUnansweredAsync(payload, verdict, attempt, unansweredAt, stopSending, hardStop);
        }

        if (verdict.Kind == ApiVerdictKind.AlreadyExists && _updateExisting && payload is GuestPayload guest)
        {
            return await UpdateGuestAsync(guest, attempt.Count, stopSending, hardStop);
        }

        return ToResult(payload, verdict, attempt);
    }

    /// <summary>
    /// Runs a row's request through the pipeline: the verdict, or how the row ended without one
    /// (the run stopped, the API is down, no answer, credentials refused).
    /// </summary>
    private async Task<(ApiVerdict Verdict, DeliveryResult? Ended)> ExecuteAsync(AttemptState attempt)
    {
        var (stopSending, hardStop) = (attempt.StopSending, attempt.HardStop);
        var context = ResilienceContextPool.Shared.Get(hardStop);
        context.Properties.Set(AttemptKey, attempt);
        ApiVerdict verdict;
        try
        {
            verdict = await _pipeline.ExecuteAsync(static (context, state) => state.Sender.AttemptAsync(state.Attempt, context), context, (Sender: this, Attempt: attempt));
        }
        catch (RunStoppedException)
        {
            return (default, NotAttempted(attempt, attempt.MaybeApplied
                ? "the run stopped before a retry; an earlier attempt got no answer and may have been applied"
                : "the run stopped before this row was sent"));
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            return (default, NotAttempted(attempt, "the run stopped while this request was in flight; it may have been applied"));
        }
        catch (ApiDownException)
        {
            return (default, GaveUp(attempt, attempt.LastError ?? "the circuit breaker held every request back"));
        }
        catch (TokenRefusedException ex)
        {
            return (default, new DeliveryResult(Outcome.NotAttempted, null, null, attempt.Count, null, ex.Message, StopsRun: true));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutRejectedException)
        {
            return (default, stopSending.IsCancellationRequested
                ? NotAttempted(attempt, $"the run stopped before a retry; the last attempt got no answer ({attempt.LastError}) and may have been applied")
                : IsOutage()
                ? GaveUp(attempt, attempt.LastError)
                : new DeliveryResult(Outcome.Failed, null, null, attempt.Count, null, $"no answer after {attempt.Count} attempt(s): {attempt.LastError}", MaybeApplied: true));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (verdict.IsRetryable && stopSending.IsCancellationRequested)
        {
            return (verdict, NotAttempted(attempt, $"the run stopped before a retry ({verdict.Message})"));
        }

        return verdict.IsRetryable && IsOutage() ? (verdict, GaveUp(attempt, verdict.Message)) : (verdict, null);
    }

    private static DeliveryResult NotAttempted(AttemptState attempt, string message) =>
        new(Outcome.NotAttempted, null, null, attempt.Count, null, message, MaybeApplied: attempt.MaybeApplied);

    private static DeliveryResult ToResult(PersonPayload payload, ApiVerdict verdict, AttemptState attempt)
    {
        var success = payload.Kind == PersonKind.Guest ? Outcome.Created : Outcome.Invited;
        return verdict.Kind switch
        {
            ApiVerdictKind.Succeeded => new(success, null, verdict.Status, attempt.Count, verdict.TallyfyId, null),
            ApiVerdictKind.AlreadyExists => new(Outcome.Skipped, Outcomes.AlreadyExists, verdict.Status, attempt.Count, null, verdict.Message),
            ApiVerdictKind.Unauthorized or ApiVerdictKind.AccountLimit => new(Outcome.NotAttempted, null, verdict.Status, attempt.Count, null, verdict.Message, StopsRun: true),
            ApiVerdictKind.Rejected => new(Outcome.Failed, null, verdict.Status, attempt.Count, null, verdict.Message),
            _ => new(Outcome.Failed, null, verdict.Status, attempt.Count, null, $"gave up after {attempt.Count} attempt(s): {verdict.Message}", MaybeApplied: attempt.MaybeApplied),
        };
    }

    /// <summary>
    /// An attempt got no answer and a retry found the email taken: did that attempt do it? For a guest
    /// the API can tell (its creation time); for a member it cannot, and the likelier story is reported.
    /// </summary>
    private async Task<DeliveryResult> ResolveUnansweredAsync(PersonPayload payload, ApiVerdict verdict, AttemptState attempt, DateTimeOffset unansweredAt, CancellationToken stopSending, CancellationToken hardStop)
    {
        if (payload.Kind == PersonKind.Guest)
        {
            var (origin, createdAt) = await ConfirmGuestAsync(payload, unansweredAt, stopSending, hardStop);
            switch (origin)
            {
                case GuestOrigin.ThisRun:
                    return new(Outcome.Created, null, verdict.Status, attempt.Count, null,
                        $"an earlier attempt got no answer ({attempt.LastError}); Tallyfy shows the guest created then ({createdAt:u}), so that attempt created it");
                case GuestOrigin.BeforeThisRun:
                    return new(Outcome.Skipped, Outcomes.AlreadyExists, verdict.Status, attempt.Count, null,
                        $"{verdict.Message} (the guest existed before this run: created {createdAt:u})");
            }
        }

        var success = payload.Kind == PersonKind.Guest ? Outcome.Created : Outcome.Invited;
        return new(success, null, verdict.Status, attempt.Count, null,
            $"an earlier attempt got no answer ({attempt.LastError}) and the retry found the email already in Tallyfy: most likely that attempt {(success == Outcome.Created ? "created" : "invited")} it");
    }

    private async Task<(GuestOrigin Origin, DateTimeOffset? CreatedAt)> ConfirmGuestAsync(PersonPayload payload, DateTimeOffset unansweredAt, CancellationToken stopSending, CancellationToken hardStop)
    {
        // Read with the same retries as any request: a failed read would leave the question open.
        var response = await ReadAsync(payload, ct => _client.GetGuestAsync(payload.Email, ct), stopSending, hardStop);
        return response is null ? (GuestOrigin.Unknown, null) : GuestConfirmation.Judge(response, unansweredAt, _timeProvider.GetUtcNow());
    }

    /// <summary>A read through the pipeline (paced, retried); the last response, or <c>null</c> when none came.</summary>
    private async Task<ApiResponse?> ReadAsync(PersonPayload payload, Func<CancellationToken, Task<ApiResponse>> read, CancellationToken stopSending, CancellationToken hardStop)
    {
        ApiResponse? last = null;
        var attempt = new AttemptState(payload, async ct => last = await read(ct), stopSending, hardStop);
        var (_, ended) = await ExecuteAsync(attempt);
        return ended is null ? last : null;
    }

    private async ValueTask<ApiVerdict> AttemptAsync(AttemptState attempt, ResilienceContext context)
    {
        ApiResponse response;
        while (true)
        {
            await WaitTurnAsync(attempt, context.CancellationToken);
            try
            {
                response = await _breaker.Pipeline.ExecuteAsync(static (state, ct) => new ValueTask<ApiResponse>(state.Sender.SendOnceAsync(state.Attempt, ct)), (Sender: this, Attempt: attempt), context.CancellationToken);
                break;
            }
            catch (BrokenCircuitException broken)
            {
                // Nothing was sent: the API is down and the breaker holds requests back. Not an attempt.
                await WaitOutBreakAsync(attempt, broken, context.CancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                attempt.FirstUnansweredAt ??= attempt.LastStartedAt;
                attempt.LastError = ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
                throw;
            }
            catch (TimeoutRejectedException)
            {
                attempt.FirstUnansweredAt ??= attempt.LastStartedAt;
                attempt.LastError = $"no response within {_options.Timeout.TotalSeconds:0.#} s";
                throw;
            }
        }

        var verdict = ResponseClassifier.Classify(response);
        _gate.Observe(response.RateLimit, verdict.Kind == ApiVerdictKind.RateLimited);
        if (verdict.Kind != ApiVerdictKind.Transient)
        {
            // Any real answer, a 429 included (the API is up, and asks us to slow down), ends an outage.
            Interlocked.Exchange(ref _lastAnswer, _timeProvider.GetTimestamp());
        }

        if (verdict.Kind == ApiVerdictKind.Transient && verdict.Status is >= 500 and not 503)
        {
            // A gateway error may hide a write that went through; a 503 (like a 429 or 408) means it was not processed.
            attempt.FirstUnansweredAt ??= attempt.LastStartedAt;
            attempt.LastError = verdict.Message;
        }
        else if (verdict.Kind == ApiVerdictKind.RateLimited)
        {
            _gate.PauseFor(Min(verdict.RetryAfter ?? DefaultRateLimitPause, _options.MaxRetryDelay));
            _stats.CountRateLimited();
        }
        else if (verdict.Kind == ApiVerdictKind.Transient && attempt.FirstUnansweredAt is null)
        {
            attempt.LastError = verdict.Message;
        }

        return verdict;
    }

    /// <summary>The one request the breaker let through: counted, timed, sent.</summary>
    private Task<ApiResponse> SendOnceAsync(AttemptState attempt, CancellationToken cancellationToken)
    {
        attempt.Count++;
        attempt.SentHere++;
        _stats.CountRequest();
        attempt.LastStartedAt = _timeProvider.GetUtcNow();
        return attempt.Send(cancellationToken);
    }

    private async ValueTask WaitTurnAsync(AttemptState attempt, CancellationToken cancellationToken)
    {
        if (attempt.StopSending.IsCancellationRequested)
        {
            throw new RunStoppedException();
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(attempt.StopSending, cancellationToken);
        try
        {
            await _gate.WaitTurnAsync(linked.Token);
        }
        catch (OperationCanceledException) when (attempt.StopSending.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RunStoppedException();
        }
    }

    private ResiliencePipeline<ApiVerdict> BuildPipeline(TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<ApiVerdict> { TimeProvider = timeProvider };
        if (_options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<ApiVerdict>
            {
                // Counted per row in ShouldHandle: attempts made while the breaker was tripped do not count.
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(!IsStopping(args.Context) && !IsOutage() && HasAttemptsLeft(args.Context) && args.Outcome switch
                {
                    { Exception: HttpRequestException or IOException or TimeoutRejectedException } => true,
                    { Exception: null } => args.Outcome.Result.IsRetryable,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result switch
                {
                    // The gate already holds every worker until Retry-After has passed, or the break is over.
                    _ when _breaker.IsTripped => TimeSpan.Zero,
                    { Kind: ApiVerdictKind.RateLimited } when args.Outcome.Exception is null => TimeSpan.Zero,
                    { RetryAfter: { } retryAfter } when args.Outcome.Exception is null => Min(retryAfter, _options.MaxRetryDelay),
                    _ => (TimeSpan?)null,
                }),
                OnRetry = args =>
                {
                    _stats.CountRetry();
                    _logger.LogDebug("Retrying in {Delay} after {Outcome}", args.RetryDelay, args.Outcome.Exception?.GetType().Name ?? $"HTTP {args.Outcome.Result.Status}");
                    return default;
                },
            });
        }

        return builder.Build();
    }

    private static bool IsStopping(ResilienceContext context) =>
        context.Properties.TryGetValue(AttemptKey, out var attempt) && attempt.StopSending.IsCancellationRequested;

    /// <summary>Whether the row may try again: attempts left, or an outage it should wait out (up to GiveUpAfter).</summary>
    private bool HasAttemptsLeft(ResilienceContext context) =>
        !context.Properties.TryGetValue(AttemptKey, out var attempt) || attempt.SentHere < _options.MaxAttempts || _breaker.IsTripped;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Per-row attempt bookkeeping, touched by one worker at a time.</summary>
    private sealed class AttemptState(PersonPayload payload, Func<CancellationToken, Task<ApiResponse>> send, CancellationToken stopSending, CancellationToken hardStop)
    {
        public PersonPayload Payload { get; } = payload;

        /// <summary>The request this row's attempts make (the create, or an update).</summary>
        public Func<CancellationToken, Task<ApiResponse>> Send { get; } = send;
        public CancellationToken StopSending { get; } = stopSending;
        public CancellationToken HardStop { get; } = hardStop;

        /// <summary>Requests this row has made so far, for the report.</summary>
        public int Count { get; set; }

        /// <summary>Requests made for this particular call (a create, a read, an update): what MaxAttempts limits.</summary>
        public int SentHere { get; set; }

        public DateTimeOffset LastStartedAt { get; set; }

        /// <summary>When the first attempt that may have been applied without our knowing (no answer, or a gateway error) started.</summary>
        public DateTimeOffset? FirstUnansweredAt { get; set; }

        public bool MaybeApplied => FirstUnansweredAt is not null;

        public string? LastError { get; set; }
    }

    private sealed class RunStoppedException : Exception;
}
