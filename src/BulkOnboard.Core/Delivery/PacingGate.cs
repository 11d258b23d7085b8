using System.Threading.RateLimiting;
using BulkOnboard.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Delivery;

/// <summary>
/// The one gate every request passes: a token bucket at <c>Delivery:RequestsPerMinute</c> (the
/// ceiling), a pause that a 429 sets for all workers at once, and an adaptive pace below the ceiling:
/// the server's own <c>X-RateLimit-Limit</c> when it is lower, halved on every 429 and climbing back
/// by 1% of the ceiling with each good answer (additive increase, multiplicative decrease). Tokens and
/// spacing run on a <see cref="TimeProvider"/>, so tests control time.
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
    private readonly double _configured;
    private double _ceiling;
    private double _pace;
    private DateTimeOffset _nextSlot;

    public PacingGate(IOptions<DeliveryOptions> options, TimeProvider timeProvider, ILogger<PacingGate> logger)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        var perMinute = options.Value.RequestsPerMinute;
        (_configured, _ceiling, _pace) = (perMinute, perMinute, perMinute);
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
            if (PauseRemaining() > TimeSpan.Zero)
            {
                continue;
            }

            // Below the configured pace, requests are also spaced at the adaptive pace.
            var wait = ReserveSlot();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _timeProvider, cancellationToken);
            }

            return;
        }
    }

    /// <summary>Requests per minute the gate currently allows.</summary>
    public double CurrentPace
    {
        get
        {
            lock (_lock)
            {
                return _pace;
            }
        }
    }

    /// <summary>Adapts the pace to an answer: the server's stated limit, a 429, or a good answer.</summary>
    public void Observe(RateLimitHeaders headers, bool rateLimited)
    {
        string? change = null;
        lock (_lock)
        {
            var before = _pace;
            if (headers.Limit is > 0 and var limit && limit < _ceiling)
            {
                _ceiling = limit;
                _pace = Math.Min(_pace, _ceiling);
                change = $"the API allows {limit} requests/min (X-RateLimit-Limit), fewer than the {_configured} configured: pacing at {limit}/min";
            }

            if (rateLimited)
            {
                _pace = Math.Max(_ceiling / 10, _pace / 2);
                change = $"rate limited by the API: pace lowered to {_pace:0}/min";
            }
            else if (headers is { Remaining: 0, Limit: > 0 })
            {
                // The server's allowance is spent: ease off before it answers 429.
                _pace = Math.Max(_ceiling / 10, Math.Min(_pace, _ceiling * 0.9));
            }
            else if (_pace < _ceiling)
            {
                _pace = Math.Min(_ceiling, _pace + (_ceiling / 100));
                if (_pace >= _ceiling && before < _ceiling)
                {
                    change = $"pace back to {_pace:0}/min";
                }
            }
        }

        if (change is not null)
        {
            _logger.LogInformation("Pacing: {Change}", change);
        }
    }

    /// <summary>How long this request waits for its slot at the adaptive pace (nothing at the configured pace).</summary>
    private TimeSpan ReserveSlot()
    {
        lock (_lock)
        {
            if (_pace >= _configured)
            {
                return TimeSpan.Zero;
            }

            var now = _timeProvider.GetUtcNow();
            var slot = _nextSlot > now ? _nextSlot : now;
            _nextSlot = slot + TimeSpan.FromMinutes(1 / _pace);
            return slot - now;
        }
    }

    /// <summary>Stops every worker from sending until <paramref name="delay"/> has passed.</summary>
    /// <param name="delay">How long the pause lasts from now.</param>
    /// <param name="reason">What the log says; by default, that the API rate limited us.</param>
    public void PauseFor(TimeSpan delay, string reason = "Rate limited by the API")
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

        _logger.LogWarning("{Reason}: all requests paused for {Seconds:0.#} s", reason, delay.TotalSeconds);
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
