using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace BulkOnboard.Delivery;

/// <summary>How one request ended: its verdict, or why none came (<see cref="RequestDispatcher"/>).</summary>
internal readonly record struct Dispatched(ApiVerdict Verdict, ApiResponse? Response, DispatchEnd End = DispatchEnd.Answered, string? Message = null)
{
    public static Dispatched Ended(DispatchEnd end, string? message = null) => new(default, null, end, message);
}

/// <summary>Why a request produced no verdict.</summary>
internal enum DispatchEnd
{
    /// <summary>It has a verdict.</summary>
    Answered,

    /// <summary>The run is stopping: nothing more is sent.</summary>
    Stopped,

    /// <summary>The run stopped hard while the request was in flight: it may have been applied.</summary>
    HardStopped,

    /// <summary>The run must stop: the API's allowance is too far away, or it has been down past <c>Delivery:GiveUpAfter</c>.</summary>
    MustStop,

    /// <summary>This kind of request must stop (its cap reopens later than <c>Delivery:MaxRateLimitWait</c>); the others go on.</summary>
    ScopeClosed,
}

/// <summary>
/// Sends one request under flow control, which costs the row no attempt: it waits its turn at the
/// <see cref="RequestGate"/>, goes through the <see cref="OutageBreaker"/>, and after a 429 (every
/// worker held until <c>Retry-After</c>) or while the breaker holds requests back, waits and sends
/// again. Each real attempt is recorded in the row's <see cref="RowAttempts"/>.
/// </summary>
internal sealed class RequestDispatcher(TallyfyClient client, RequestGate gate, OutageBreaker breaker, DeliveryStats stats,
    Configuration.DeliveryOptions options, TimeProvider time, ILogger logger)
{
    public DeliveryStats Stats => stats;

    public RequestGate Gate => gate;

    public async ValueTask<Dispatched> SendAsync(RequestScope scope, Func<TallyfyClient, CancellationToken, Task<ApiResponse>> request, RowAttempts attempts, CancellationToken stopSending, CancellationToken hardStop)
    {
        while (true)
        {
            if (stopSending.IsCancellationRequested)
            {
                return Dispatched.Ended(DispatchEnd.Stopped);
            }

            GateTicket ticket;
            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopSending, hardStop);
                (ticket, var refusal, var scopeOnly) = await gate.WaitTurnAsync(scope, linked.Token, stats.Timeline);
                if (refusal is not null)
                {
                    return Dispatched.Ended(scopeOnly ? DispatchEnd.ScopeClosed : DispatchEnd.MustStop, refusal);
                }
            }
            catch (OperationCanceledException) when (stopSending.IsCancellationRequested || hardStop.IsCancellationRequested)
            {
                return Dispatched.Ended(DispatchEnd.Stopped);
            }

            try
            {
                await gate.InFlight.WaitAsync(hardStop);
            }
            catch (OperationCanceledException)
            {
                gate.Done();
                return Dispatched.Ended(DispatchEnd.Stopped);
            }

            var context = ResilienceContextPool.Shared.Get(hardStop);
            Outcome<ApiResponse> outcome;
            try
            {
                outcome = await breaker.Pipeline.ExecuteOutcomeAsync(
                    static async (context, state) =>
                    {
                        state.Stats.CountRequest(state.Ticket.Scope, state.Ticket.SentAt);
                        return Outcome.FromResult(await state.Request(state.Client, context.CancellationToken));
                    },
                    context, (Request: request, Client: client, Stats: stats, Ticket: ticket));
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
                gate.InFlight.Release();
            }

            if (outcome.Exception is BrokenCircuitException broken)
            {
                gate.Done();
                // Nothing was sent: the API is down and the breaker holds requests back. Not an attempt.
                if (gate.IsPastGiveUp)
                {
                    return Dispatched.Ended(DispatchEnd.MustStop, GiveUpMessage(attempts.LastError ?? "the circuit breaker held every request back"));
                }

                var heldFrom = time.GetUtcNow();
                try
                {
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopSending, hardStop);
                    await gate.WaitForProbeAsync(broken.RetryAfter, linked.Token);
                }
                catch (OperationCanceledException)
                {
                    return Dispatched.Ended(DispatchEnd.Stopped);
                }
                finally
                {
                    stats.Timeline.Held(scope, HoldKind.Outage, heldFrom, time.GetUtcNow());
                }

                continue;
            }

            if (outcome.Exception is OperationCanceledException && hardStop.IsCancellationRequested)
            {
                gate.Done();
                attempts.FirstUnansweredAt ??= ticket.SentAt;
                return Dispatched.Ended(DispatchEnd.HardStopped);
            }

            var verdict = ResponseClassifier.Classify(outcome, options.Timeout, gate.TargetProven);
            if (verdict.Kind == ApiVerdictKind.Succeeded)
            {
                // Before the gate lets the others go: from now on a refused connection is an outage, not a wrong setting.
                gate.ProveTarget();
            }

            gate.Observe(ticket, outcome.Exception is null ? outcome.Result : null, verdict);
            if (verdict.Kind == ApiVerdictKind.RateLimited)
            {
                stats.CountRateLimited(scope, ticket.SentAt);
                if (gate.IsPastGiveUp)
                {
                    // Only 429s without a usable wait let the give-up clock run: the API answers, but never lets a request through.
                    return Dispatched.Ended(DispatchEnd.MustStop, GiveUpMessage($"{verdict.Message} without a usable Retry-After"));
                }

                continue;
            }

            attempts.Record(verdict, ticket.SentAt);
            if (verdict.IsOutageLike && breaker.IsTripped && !gate.IsPastGiveUp && !stopSending.IsCancellationRequested)
            {
                // This failure opened the breaker, or met it open: an outage, which costs the row none of its MaxAttempts.
                logger.LogDebug("Outage: {Message}; waiting for the API rather than spending an attempt", verdict.Message);
                continue;
            }

            return new Dispatched(verdict, outcome.Exception is null ? outcome.Result : null);
        }
    }

    /// <summary>The message of a row the run gave up on because the API stayed down.</summary>
    public string GiveUpMessage(string? lastError) =>
        $"the API has given no usable answer for {options.GiveUpAfter} (Delivery:GiveUpAfter; last: {lastError}); the run stops, a re-run picks this row up";

    public DateTimeOffset Now => time.GetUtcNow();
}
