using BulkOnboard.Configuration;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace BulkOnboard.Delivery;

/// <summary>
/// The one loop that owns a call's attempts: Polly's retry, up to <c>Delivery:MaxAttempts</c>, with
/// exponential backoff and jitter (a 5xx's <c>Retry-After</c> honoured up to
/// <c>Delivery:MaxRetryDelay</c>), for the verdicts that are worth another try. Each attempt is one
/// <see cref="RequestDispatcher.SendAsync"/>: 429s and outage breaks happen inside it and are not attempts.
/// Attempts that an outage used up before the breaker opened (no request answered since, others failing
/// too: <see cref="RequestGate.IsEveryonesOutage"/>) are not the row's failure: it waits a break and starts
/// another round, until the API answers or <c>Delivery:GiveUpAfter</c> stops the run.
/// </summary>
internal sealed class AttemptLoop
{
    private readonly RequestDispatcher _dispatcher;
    private readonly ResiliencePipeline<Dispatched> _pipeline;

    // For a write that must never be sent twice blind (a process launch: Tallyfy has no idempotency key): an
    // attempt that may have been applied is not retried; the caller looks first.
    private readonly ResiliencePipeline<Dispatched> _answeredOnly;
    private readonly ILogger _logger;

    public AttemptLoop(RequestDispatcher dispatcher, DeliveryOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _dispatcher = dispatcher;
        _logger = logger;
        _pipeline = Build(dispatcher, options, timeProvider, logger, resendUnanswered: true);
        _answeredOnly = Build(dispatcher, options, timeProvider, logger, resendUnanswered: false);
    }

    private static ResiliencePipeline<Dispatched> Build(RequestDispatcher dispatcher, DeliveryOptions options, TimeProvider timeProvider, ILogger logger, bool resendUnanswered)
    {
        var builder = new ResiliencePipelineBuilder<Dispatched> { TimeProvider = timeProvider };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<Dispatched>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { End: DispatchEnd.Answered, Verdict.IsRetryable: true } && !dispatcher.Gate.IsPastGiveUp
                    && (resendUnanswered || !args.Outcome.Result.Verdict.MaybeApplied)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result.Verdict.RetryAfter is { } retryAfter
                    ? (TimeSpan?)(retryAfter < options.MaxRetryDelay ? retryAfter : options.MaxRetryDelay)
                    : null),
                OnRetry = args =>
                {
                    dispatcher.Stats.CountRetry();
                    logger.LogDebug("Retrying in {Delay} after {Message}", args.RetryDelay, args.Outcome.Result.Verdict.Message);
                    return default;
                },
            });
        }

        return builder.Build();
    }

    public RequestDispatcher Dispatcher => _dispatcher;

    /// <summary>
    /// Makes <paramref name="request"/> until it gets a verdict that is not worth retrying, runs out of
    /// attempts, or the run stops (<paramref name="stopSending"/> also cuts a backoff short).
    /// </summary>
    /// <param name="resendUnanswered">False for a write that must not be sent again once it may have been applied (a process launch):
    /// such an attempt ends the call, and the caller finds out what it did before sending anything again.</param>
    public async Task<Dispatched> RunAsync(RequestScope scope, Func<TallyfyClient, CancellationToken, Task<ApiResponse>> request, RowAttempts attempts, CancellationToken stopSending, CancellationToken hardStop,
        bool resendUnanswered = true)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stopSending, hardStop);
        while (true)
        {
            var outcome = await RoundAsync(resendUnanswered ? _pipeline : _answeredOnly, scope, request, attempts, stopSending, hardStop, stopping.Token);
            if (outcome.Exception is null && outcome.Result is { End: DispatchEnd.Answered } && RequestGate.IsDownLike(outcome.Result.Verdict) && !_dispatcher.Gate.IsPastGiveUp
                && (resendUnanswered || !outcome.Result.Verdict.MaybeApplied)
                && _dispatcher.Gate.IsEveryonesOutage(attempts))
            {
                // The attempts went on an outage every request met before the breaker opened: not this row's failure.
                _logger.LogDebug("Outage: a row's attempts ran out while every request failed ({Message}); it waits and starts again", outcome.Result.Verdict.Message);
                attempts.ForgetOutage();
                var heldFrom = _dispatcher.Now;
                try
                {
                    await _dispatcher.Gate.WaitOutOutageAsync(stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return Dispatched.Ended(DispatchEnd.Stopped);
                }
                finally
                {
                    _dispatcher.Stats.Timeline.Held(scope, HoldKind.Outage, heldFrom, _dispatcher.Now);
                }

                continue;
            }

            return Decide(outcome);
        }
    }

    /// <summary>One round of attempts, up to <c>Delivery:MaxAttempts</c>; each outage-like failure is noted for <see cref="RequestGate.IsEveryonesOutage"/>.</summary>
    private async Task<Outcome<Dispatched>> RoundAsync(ResiliencePipeline<Dispatched> pipeline, RequestScope scope, Func<TallyfyClient, CancellationToken, Task<ApiResponse>> request, RowAttempts attempts,
        CancellationToken stopSending, CancellationToken hardStop, CancellationToken stopping)
    {
        var context = ResilienceContextPool.Shared.Get(stopping);
        try
        {
            return await pipeline.ExecuteOutcomeAsync(
                static async (_, state) =>
                {
                    var sent = await state.Dispatcher.SendAsync(state.Scope, state.Request, state.Attempts, state.StopSending, state.HardStop);
                    if (sent.End == DispatchEnd.Answered && RequestGate.IsDownLike(sent.Verdict))
                    {
                        state.Attempts.NoteOutage(state.Dispatcher.Gate);
                    }

                    return Outcome.FromResult(sent);
                },
                context, (Dispatcher: _dispatcher, Scope: scope, Request: request, Attempts: attempts, StopSending: stopSending, HardStop: hardStop));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>What a round of attempts comes to for the row.</summary>
    private Dispatched Decide(Outcome<Dispatched> outcome) => outcome.Exception switch
    {
        // Out of attempts, or not retried, because the API has been down past Delivery:GiveUpAfter: the run stops.
        null when outcome.Result is { End: DispatchEnd.Answered, Verdict.IsRetryable: true } && _dispatcher.Gate.IsPastGiveUp =>
            Dispatched.Ended(DispatchEnd.MustStop, _dispatcher.GiveUpMessage(outcome.Result.Verdict.Message)),
        null => outcome.Result,

        // The run stopped during a backoff: the row's last attempt stands unretried.
        OperationCanceledException => Dispatched.Ended(DispatchEnd.Stopped),
        _ => throw new InvalidOperationException($"unexpected {outcome.Exception.GetType().Name} while retrying: {outcome.Exception.Message}", outcome.Exception),
    };
}
