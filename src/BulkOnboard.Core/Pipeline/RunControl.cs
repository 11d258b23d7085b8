using BulkOnboard.Delivery;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>
/// How a run stops early. <see cref="StopSending"/> ends the sending of new requests (auth failure,
/// shutdown); <see cref="HardStop"/> also abandons requests in flight, a grace period after a shutdown
/// (timed on the run's <see cref="TimeProvider"/>, so tests drive it with fake time). The one owner of a run's
/// stop reason: the first reason is kept and logged here, once (an Error, a shutdown a Warning), so it reaches
/// the log file and stderr as well as the summary's "Stopped early" line on screen.
/// </summary>
internal sealed class RunControl : IDisposable
{
    private readonly CancellationTokenSource _stopSending = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly CancellationTokenRegistration _shutdown;
    private readonly TimeProvider _timeProvider;
    private ITimer? _hardStopTimer;
    private readonly ILogger? _logger;
    private string? _reason;

    /// <param name="grace">How long requests in flight may finish after a shutdown (<see cref="Configuration.DeliveryOptions.HardStopGrace"/>).</param>
    /// <param name="logger">Where the stop reason is logged; none in unit tests.</param>
    public RunControl(CancellationToken shutdown, TimeSpan grace, TimeProvider timeProvider, ILogger? logger = null)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        _shutdown = shutdown.Register(() =>
        {
            Stop("shutdown requested (Ctrl+C or SIGTERM)", LogLevel.Warning);
            var timer = _timeProvider.CreateTimer(static state => ((RunControl)state!).FireHardStop(), this, grace, Timeout.InfiniteTimeSpan);
            Interlocked.Exchange(ref _hardStopTimer, timer)?.Dispose();
        });
    }

    public CancellationToken StopSending => _stopSending.Token;

    public CancellationToken HardStop => _hardStop.Token;

    public bool IsStopping => _stopSending.IsCancellationRequested;

    /// <summary>The first reason given for stopping.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    /// <summary>Stops the sending of new requests; the first reason given is the run's, and is logged.</summary>
    /// <returns>Whether <paramref name="reason"/> is the run's stop reason (the first given), so the caller need not log it again.</returns>
    public bool Stop(string reason) => Stop(reason, LogLevel.Error);

    private bool Stop(string reason, LogLevel level)
    {
        var first = Interlocked.CompareExchange(ref _reason, reason, null) is null && !_stopSending.IsCancellationRequested;
        if (first)
        {
            _logger?.Log(level, "Stopped early: {Reason}; nothing more is sent", reason);
        }

        _stopSending.Cancel();
        return first;
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
