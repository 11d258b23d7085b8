using Polly.CircuitBreaker;
using Outcome = BulkOnboard.Reporting.Outcome;

namespace BulkOnboard.Delivery;

/// <summary>When the API is down: the breaker's wait, and giving up after <c>Delivery:GiveUpAfter</c>.</summary>
public sealed partial class RowSender
{
    /// <summary>No answer from the API for longer than <c>Delivery:GiveUpAfter</c>.</summary>
    private bool IsOutage() => UntilGiveUp() <= TimeSpan.Zero;

    /// <summary>How long the API may stay silent before the run stops.</summary>
    private TimeSpan UntilGiveUp() => _options.GiveUpAfter - _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastAnswer));

    private DeliveryResult GaveUp(AttemptState attempt, string? lastError) =>
        new(Outcome.NotAttempted, null, null, attempt.Count, null,
            $"the API has given no usable answer for {_options.GiveUpAfter} (Delivery:GiveUpAfter; last: {lastError}); the run stops, a re-run picks this row up",
            StopsRun: true, MaybeApplied: attempt.MaybeApplied);

    /// <summary>Waits while the breaker is open or probing, unless the run stops or the outage has lasted too long.</summary>
    private async Task WaitOutBreakAsync(AttemptState attempt, BrokenCircuitException broken, CancellationToken cancellationToken)
    {
        if (attempt.StopSending.IsCancellationRequested)
        {
            throw new RunStoppedException();
        }

        if (IsOutage())
        {
            throw new ApiDownException();
        }

        // Open: the gate pauses everyone for the break already. Half-open: another worker's probe is out.
        var wait = broken.RetryAfter is { } left && left > TimeSpan.Zero ? left : Min(ProbeWait, _options.BreakDuration);
        wait = Min(wait, UntilGiveUp() + TimeSpan.FromMilliseconds(1));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(attempt.StopSending, cancellationToken);
        try
        {
            await Task.Delay(wait, _timeProvider, linked.Token);
        }
        catch (OperationCanceledException) when (attempt.StopSending.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RunStoppedException();
        }
    }

    /// <summary>How often a worker held back by a half-open breaker looks again.</summary>
    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(1);

    /// <summary>The breaker held a row back past <c>Delivery:GiveUpAfter</c>.</summary>
    private sealed class ApiDownException : Exception;
}
