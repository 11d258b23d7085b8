using BulkOnboard.Configuration;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace BulkOnboard.Delivery;

/// <summary>
/// The circuit breaker every request passes (Polly's), with the per-attempt timeout inside it. When
/// most recent attempts of all workers fail the way a down API fails (<see cref="ApiVerdict.IsOutageLike"/>),
/// it opens: the <see cref="RequestGate"/> holds every worker for <c>Delivery:BreakDuration</c>, then a
/// single request probes the API; only when that one succeeds do the others follow. Rows spend no
/// attempts while it is open (see <see cref="RequestDispatcher"/>).
/// </summary>
internal sealed class OutageBreaker
{
    /// <summary>
    /// The breaker opens when at least this share of the recent attempts failed. High on purpose: a
    /// flaky API (a fifth or a third of requests failing) is the retries' job and should not pause the
    /// run; in a real outage the share reaches 100% as soon as the successes before it leave the window.
    /// </summary>
    public const double FailureRatio = 0.8;

    /// <summary>"Recent": the last two seconds, or longer at a slow pace (see <see cref="SamplingDurationFor"/>).</summary>
    public static readonly TimeSpan ShortestSampling = TimeSpan.FromSeconds(2);

    private readonly CircuitBreakerStateProvider _state = new();

    public OutageBreaker(DeliveryOptions options, RequestGate gate, TimeProvider timeProvider, ILogger logger)
    {
        Pipeline = new ResiliencePipelineBuilder<ApiResponse> { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ApiResponse>
            {
                FailureRatio = FailureRatio,
                MinimumThroughput = MinimumThroughputFor(options),
                SamplingDuration = SamplingDurationFor(options),
                BreakDuration = options.BreakDuration,
                StateProvider = _state,
                ShouldHandle = args => ValueTask.FromResult(IsOutageLike(args.Outcome)),
                OnOpened = args =>
                {
                    gate.HoldForOutage(args.BreakDuration, $"the API is failing ({Describe(args.Outcome, options.Timeout)}; most recent attempts failed)");
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    logger.LogInformation("Outage: probing the API with one request");
                    return default;
                },
                OnClosed = _ =>
                {
                    logger.LogInformation("Outage over: the API answers again, sending resumes");
                    return default;
                },
            })
            .AddTimeout(options.Timeout)
            .Build();
    }

    /// <summary>Breaker, then timeout, around one request.</summary>
    public ResiliencePipeline<ApiResponse> Pipeline { get; }

    /// <summary>Whether the breaker holds requests back (open, or waiting for its probe).</summary>
    public bool IsTripped => _state.CircuitState != CircuitState.Closed;

    /// <summary>
    /// Attempts the window must hold before the breaker judges: one round of every worker (at least 3,
    /// at most 50). During an outage the workers retry with backoff, so failures arrive slowly: a
    /// higher bar would keep the breaker shut until the rows had spent their attempts.
    /// </summary>
    public static int MinimumThroughputFor(DeliveryOptions options) => Math.Clamp(options.MaxConcurrency, 3, 50);

    /// <summary>
    /// How far back "recent" reaches: two seconds, so an outage is seen within seconds even after a
    /// long stretch of successes; at a slow pace, long enough to hold four times the minimum
    /// throughput, so a few unlucky rows among few requests are not mistaken for an outage.
    /// </summary>
    public static TimeSpan SamplingDurationFor(DeliveryOptions options)
    {
        var forEnoughAttempts = TimeSpan.FromMinutes(4.0 * MinimumThroughputFor(options) / options.RequestsPerMinute);
        return forEnoughAttempts > ShortestSampling ? forEnoughAttempts : ShortestSampling;
    }

    /// <summary>An answer, or the lack of one, that says the API is down rather than that the row is wrong.</summary>
    public static bool IsOutageLike(Outcome<ApiResponse> outcome) =>
        outcome.Exception is null or HttpRequestException or IOException or TimeoutRejectedException
        && ResponseClassifier.Classify(outcome, TimeSpan.Zero).IsOutageLike;

    private static string Describe(Outcome<ApiResponse> outcome, TimeSpan timeout) =>
        $"last: {(outcome.Exception is null ? $"HTTP {outcome.Result!.Status}" : ResponseClassifier.Classify(outcome, timeout).Message)}";
}
