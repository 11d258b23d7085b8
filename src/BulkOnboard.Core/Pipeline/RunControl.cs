using BulkOnboard.Delivery;

namespace BulkOnboard.Pipeline;

/// <summary>
/// How a run stops early. <see cref="StopSending"/> ends the sending of new requests (auth failure,
/// shutdown); <see cref="HardStop"/> also abandons requests in flight, a grace period after a shutdown
/// (timed on the run's <see cref="TimeProvider"/>, so tests drive it with fake time).
/// </summary>
internal sealed class RunControl : IDisposable
{
    private readonly CancellationTokenSource _stopSending = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly CancellationTokenRegistration _shutdown;
    private readonly TimeProvider _timeProvider;
    private ITimer? _hardStopTimer;
    private string? _reason;

    /// <param name="grace">How long requests in flight may finish after a shutdown (<see cref="Configuration.DeliveryOptions.HardStopGrace"/>).</param>
    public RunControl(CancellationToken shutdown, TimeSpan grace, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _shutdown = shutdown.Register(() =>
        {
            Stop("shutdown requested (Ctrl+C or SIGTERM)");
            var timer = _timeProvider.CreateTimer(static state => ((RunControl)state!).FireHardStop(), this, grace, Timeout.InfiniteTimeSpan);
            Interlocked.Exchange(ref _hardStopTimer, timer)?.Dispose();
        });
    }

    public CancellationToken StopSending => _stopSending.Token;

    public CancellationToken HardStop => _hardStop.Token;

    public bool IsStopping => _stopSending.IsCancellationRequested;

    /// <summary>The first reason given for stopping.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    public void Stop(string reason)
    {
        Interlocked.CompareExchange(ref _reason, reason, null);
        _stopSending.Cancel();
    }

    /// <summary>The one stop path for a request's result: stops the run when the result says no later request can succeed.</summary>
    /// <returns>Whether the run stops because of it.</returns>
    public bool StopIfTold(DeliveryResult delivery)
    {
        if (!delivery.StopsRun)
        {
            return false;
        }

        Stop(delivery.Message ?? "the API refused further requests");
        return true;
    }

    /// <summary>The run will not cover every row (the rest of the input could not be read), but what was read is still sent.</summary>
    public void MarkIncomplete(string reason) => Interlocked.CompareExchange(ref _reason, reason, null);

    private void FireHardStop()
    {
        try
        {
            _hardStop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended before its grace did.
        }
    }

    public void Dispose()
    {
        _shutdown.Dispose();
        Interlocked.Exchange(ref _hardStopTimer, null)?.Dispose();
        _stopSending.Dispose();
        _hardStop.Dispose();
    }
}
