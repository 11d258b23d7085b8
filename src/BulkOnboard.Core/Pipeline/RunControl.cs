namespace BulkOnboard.Pipeline;

/// <summary>
/// How a run stops early. <see cref="StopSending"/> ends the sending of new requests (auth failure,
/// shutdown); <see cref="HardStop"/> also abandons requests in flight, a grace period after a shutdown.
/// </summary>
internal sealed class RunControl : IDisposable
{
    private readonly CancellationTokenSource _stopSending = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly CancellationTokenRegistration _shutdown;
    private string? _reason;

    public RunControl(CancellationToken shutdown, TimeSpan grace)
    {
        _shutdown = shutdown.Register(() =>
        {
            Stop("shutdown requested (Ctrl+C or SIGTERM)");
            _hardStop.CancelAfter(grace);
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

    /// <summary>The run will not cover every row (the rest of the input could not be read), but what was read is still sent.</summary>
    public void MarkIncomplete(string reason) => Interlocked.CompareExchange(ref _reason, reason, null);

    public void Dispose()
    {
        _shutdown.Dispose();
        _stopSending.Dispose();
        _hardStop.Dispose();
    }
}
