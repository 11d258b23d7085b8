using System.Threading.RateLimiting;
using BulkOnboard.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Delivery;

/// <summary>
/// The one gate every request passes: a token bucket at <c>Delivery:RequestsPerMinute</c>, and a
/// pause that a 429 sets for all workers at once. Tokens are replenished by a <see cref="TimeProvider"/>
/// timer, so tests control time.
/// </summary>
public sealed class PacingGate : IDisposable
{
    // At most this many replenishments a second: high rates add several tokens per tick instead.
    private const int MaxTicksPerSecond = 20;

    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PacingGate> _logger;
    private readonly TokenBucketRateLimiter _bucket;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private DateTimeOffset _pausedUntil;

    public PacingGate(IOptions<DeliveryOptions> options, TimeProvider timeProvider, ILogger<PacingGate> logger)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        var perMinute = options.Value.RequestsPerMinute;
        var tokensPerTick = Math.Max(1, (int)Math.Ceiling(perMinute / 60.0 / MaxTicksPerSecond));
        var period = TimeSpan.FromMinutes((double)tokensPerTick / perMinute);

        // A bucket of one second's worth: a short burst at the start, then the steady pace.
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(tokensPerTick, perMinute / 60),
            TokensPerPeriod = tokensPerTick,
            ReplenishmentPeriod = period,
            AutoReplenishment = false,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _timer = timeProvider.CreateTimer(_ => _bucket.TryReplenish(), null, period, period);
    }

    /// <summary>Waits until this worker may send one request: no pause in force, and a token taken.</summary>
    public async ValueTask WaitTurnAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitForPauseAsync(cancellationToken);
            using var lease = await _bucket.AcquireAsync(1, cancellationToken);
            if (!lease.IsAcquired)
            {
                throw new InvalidOperationException("The rate limiter refused a request it should have queued.");
            }

            // A 429 may have paused everyone while this worker queued for its token.
            if (PauseRemaining() <= TimeSpan.Zero)
            {
                return;
            }
        }
    }

    /// <summary>Stops every worker from sending until <paramref name="delay"/> has passed.</summary>
    public void PauseFor(TimeSpan delay)
    {
        var until = _timeProvider.GetUtcNow() + delay;
        lock (_lock)
        {
            if (until <= _pausedUntil)
            {
                return;
            }

            _pausedUntil = until;
        }

        _logger.LogWarning("Rate limited by the API: all requests paused for {Seconds:0.#} s", delay.TotalSeconds);
    }

    public void Dispose()
    {
        _timer.Dispose();
        _bucket.Dispose();
    }

    private TimeSpan PauseRemaining()
    {
        lock (_lock)
        {
            return _pausedUntil - _timeProvider.GetUtcNow();
        }
    }

    private async ValueTask WaitForPauseAsync(CancellationToken cancellationToken)
    {
        TimeSpan remaining;
        while ((remaining = PauseRemaining()) > TimeSpan.Zero)
        {
            await Task.Delay(remaining, _timeProvider, cancellationToken);
        }
    }
}
