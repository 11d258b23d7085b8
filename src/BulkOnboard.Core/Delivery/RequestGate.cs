using BulkOnboard.Configuration;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Delivery;

/// <summary>A place in line the <see cref="RequestGate"/> gave out: which request, of what kind, and when it went.</summary>
internal readonly record struct GateTicket(long Sequence, DateTimeOffset SentAt, RequestScope Scope = RequestScope.Write);

/// <summary>
/// The one component that decides when a request may go, for all workers of a run: evenly spaced at
/// <c>Delivery:RequestsPerMinute</c> (the admin's ceiling, never exceeded), within every limit learned
/// from the API (<see cref="RateLimitLearner"/>), within the allowance the server says is left, and not
/// while a 429's <c>Retry-After</c> or an outage break holds it. A hold is scoped to what it limits
/// (<see cref="RequestScope"/>): a 429 naming a cap (Tallyfy's hourly guest cap) holds that kind only
/// and teaches its cap (<see cref="ScopedCaps"/>); a short throttle holds everyone for its few seconds;
/// a long 429 naming nothing holds its kind, and everyone once a second kind is refused too. It also
/// keeps the give-up clock: how long the API has given no usable answer.
/// </summary>
internal sealed partial class RequestGate
{
    /// <summary>How often a worker held back by a half-open breaker looks again.</summary>
    public static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(1);

    /// <summary>A slot this close is taken at once: no timer wakes more precisely.</summary>
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(1);

    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly SendLog _sent = new();
    private readonly RateLimitLearner _learner;
    private readonly ScopedCaps _caps;
    private readonly TimeSpan _ceilingSpacing;
    private DateTimeOffset _nextSlot;
    private long _sequence;
    private long _lastAnswer;

    // The run's first request goes alone: it pays for connecting and warming up, which would otherwise
    // bunch the first few requests together when they reach the server (and meet a strict window's 429).
    private readonly TaskCompletionSource _firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DateTimeOffset _heldUntil;
    private string _holdReason = string.Empty;
    private bool _holdIsOutage;
    private TimeSpan _rateLimitHeld;

    public RequestGate(DeliveryOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _learner = new RateLimitLearner(_sent, logger);
        _caps = new ScopedCaps(logger);
        InFlight = new SemaphoreSlim(options.MaxConcurrency);
        // The ceiling too is met with the margin of a learned window: an API whose limit is exactly the
        // configured pace counts our requests at its own arrival times, a few milliseconds off ours.
        _ceilingSpacing = TimeSpan.FromMinutes(RateLimitLearner.Margin / options.RequestsPerMinute);
        _lastAnswer = time.GetTimestamp();
    }

    /// <summary><c>Delivery:MaxConcurrency</c>: the most requests in flight, whatever their kind and whichever run sends them.</summary>
    public SemaphoreSlim InFlight { get; }

    /// <summary>How many workers a batch of changes gives each kind of request: <c>Delivery:MaxConcurrency</c>.</summary>
    public int MaxConcurrency => _options.MaxConcurrency;

    /// <summary>
    /// Waits until one request of <paramref name="scope"/> may go, and takes its place. Instead of a ticket,
    /// the reason it may not when the API's allowance resumes later than <c>Delivery:MaxRateLimitWait</c>
    /// from now; <c>ScopeOnly</c> when that is a hold on this kind of request alone (the others go on).
    /// The time it waits held (not merely paced) goes into <paramref name="timeline"/>, when given.
    /// </summary>
    public async ValueTask<(GateTicket Ticket, string? Refusal, bool ScopeOnly)> WaitTurnAsync(RequestScope scope, CancellationToken cancellationToken, RequestTimeline? timeline = null)
    {
        var place = JoinLane(scope);
        try
        {
            return await WaitInLaneAsync(place, timeline, cancellationToken);
        }
        finally
        {
            LeaveLane(place);
        }
    }

    private async ValueTask<(GateTicket Ticket, string? Refusal, bool ScopeOnly)> WaitInLaneAsync(Place place, RequestTimeline? timeline, CancellationToken cancellationToken)
    {
        var scope = place.Scope;
        while (true)
        {
            if (Interlocked.Read(ref _sequence) > 0 && !_firstAnswer.Task.IsCompleted)
            {
                try
                {
                    await _firstAnswer.Task.WaitAsync(_options.Timeout + TimeSpan.FromSeconds(1), _time, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // However the first request ends, the others wait no longer than its own timeout.
                    Done();
                }
            }

            TimeSpan wait;
            CancellationTokenSource? hasTheTurn = null;
            (DateTimeOffset From, HoldKind Why)? held = null;
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lock (_lock)
            {
                if (_sequence > 0 && !_firstAnswer.Task.IsCompleted)
                {
                    continue;
                }

                var now = _time.GetUtcNow();
                var (slot, reason, hold) = EarliestSlot(now, scope);
                var scoped = hold == HoldKind.Cap;
                var turn = slot - now <= Tolerance ? WhoseTurn(now) : null;
                if (ReferenceEquals(turn, place))
                {
                    TakeTurn(place);
                    return (Take(now, scope), null, false);
                }

                if (!IsFirst(place) || slot - now <= Tolerance)
                {
                    // Behind another of its kind, or ready while another lane has the turn: woken when one leaves.
                    // The one whose turn it is may sleep on a timer set before its slot came nearer: it is woken.
                    wait = Timeout.InfiniteTimeSpan;
                    hasTheTurn = turn?.Wake;
                }
                else
                {
                    wait = slot - now;
                    if (wait > _options.MaxRateLimitWait && !(_holdIsOutage && slot == _heldUntil))
                    {
                        return (default, $"{reason}: resumes {slot.ToLocalTime():yyyy-MM-dd HH:mm}, in {Durations.Describe(wait)}, "
                            + $"longer than Delivery:MaxRateLimitWait ({_options.MaxRateLimitWait}); "
                            + (scoped ? $"{scope.Describe()} stop for this run, other requests go on; a re-run picks these rows up" : "the run stops, a re-run picks this row up"), scoped);
                    }

                    // 429 after 429, each asking for little or nothing: together they are one long wait.
                    if (RefusedStreak(slot) is { } refusedFor && refusedFor > _options.MaxRateLimitWait)
                    {
                        return (default, $"{reason}: the API has refused every request since {_refusedSince!.Value.ToLocalTime():HH:mm:ss} ({Durations.Describe(refusedFor)} until the next may go), "
                            + $"longer than Delivery:MaxRateLimitWait ({_options.MaxRateLimitWait}); the run stops, a re-run picks this row up", false);
                    }

                    held = hold is { } why ? (now, why) : null;
                }

                place.Wake = wake;
            }

            WakeUp(hasTheTurn);

            // Woken early or late, the slot is computed again: a 429 may have held everyone meanwhile.
            // Timers wake late, never early: asking for a little less lands on the slot. They count whole
            // milliseconds (less is no wait at all), so at least one is asked for: no busy loop.
            try
            {
                await Task.Delay(wait == Timeout.InfiniteTimeSpan ? wait : TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling((wait - Tolerance).TotalMilliseconds))), _time, wake.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Woken: another request left the lanes.
            }
            finally
            {
                lock (_lock)
                {
                    place.Wake = null;
                }

                if (held is { } h)
                {
                    timeline?.Held(place.Scope, h.Why, h.From, _time.GetUtcNow());
                }
            }
        }
    }

    /// <summary>Learns from an answer (its rate-limit headers, a 429) and, for a 429, holds every worker until <c>Retry-After</c>.</summary>
    public void Observe(GateTicket ticket, ApiResponse? response, ApiVerdict verdict)
    {
        // A 429 that gives no usable wait (Retry-After 0, a date past) is no usable answer: such 429s on end
        // run down Delivery:GiveUpAfter as an outage does.
        if (verdict.IsAnswer && !(verdict.Kind == ApiVerdictKind.RateLimited && response?.RetryAfterIgnored == true))
        {
            Interlocked.Exchange(ref _lastAnswer, _time.GetTimestamp());
        }
        else if (IsDownLike(verdict))
        {
            Interlocked.Increment(ref _outageFailures);
        }

        if (response is null)
        {
            Done();
            return;
        }

        lock (_lock)
        {
            var now = _time.GetUtcNow();
            WarnOnce(response.IgnoredHeaders);
            _learner.Learn(ticket, response.RateLimit, now);
            if (verdict.Kind == ApiVerdictKind.RateLimited)
            {
                Refused(ticket, response, verdict, now);
            }
            else if (verdict.IsAnswer)
            {
                _refusedSince = null;
            }
        }

        Done();
    }

    /// <summary>The request of a ticket is over, answered or not: the run's first one no longer holds the others.</summary>
    public void Done()
    {
        if (_firstAnswer.Task.IsCompleted)
        {
            return;
        }

        lock (_lock)
        {
            // The first request reached the server late (it warmed the way): counted from its answer,
            // the cadence does not put the eleventh request within a strict second of the first.
            var next = _time.GetUtcNow() + Spacing();
            _nextSlot = next > _nextSlot ? next : _nextSlot;
        }

        _firstAnswer.TrySetResult();
    }

    private GateTicket Take(DateTimeOffset now, RequestScope scope)
    {
        // The next slot counts from this send, never from the one it should have had: a worker woken
        // late must not bring the next request closer, or ten sends could fall within a strict second.
        var basis = _nextSlot > now ? _nextSlot : now;
        _nextSlot = basis + Spacing();
        _sent.Add(now);
        _caps.Sent(scope, now);
        return new GateTicket(++_sequence, now, scope);
    }

    private TimeSpan Spacing()
    {
        var spacing = _ceilingSpacing;
        foreach (var limit in _learner.Limits)
        {
            // Short windows are met evenly (servers count them strictly); long ones by stopping at the wall.
            if (limit.Window <= RateLimitLearner.ShortWindow)
            {
                var even = RateLimitLearner.Widen(limit.Window) / limit.Requests;
                spacing = even > spacing ? even : spacing;
            }
        }

        return spacing;
    }

    private void HoldUntil(DateTimeOffset until, string reason, bool outage, DateTimeOffset now)
    {
        if (until <= _heldUntil)
        {
            return;
        }

        if (!outage)
        {
            var from = _heldUntil > now && !_holdIsOutage ? _heldUntil : now;
            _rateLimitHeld += until - from;
        }

        (_heldUntil, _holdReason, _holdIsOutage) = (until, reason, outage);
        var wait = until - now;
        // A per-second window's waits are a second or less and come often: those stay out of the log.
        var level = outage || wait > TimeSpan.FromSeconds(2) ? LogLevel.Warning : LogLevel.Debug;
        _logger.Log(level, "{Reason}: every request waits until {Until:HH:mm:ss}, in {Wait}", Capitalize(reason), until.ToLocalTime(), Durations.Describe(wait));
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
