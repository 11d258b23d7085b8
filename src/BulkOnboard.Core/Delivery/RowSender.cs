using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outcome = BulkOnboard.Validation.Outcome;

namespace BulkOnboard.Delivery;

/// <summary>
/// Delivers a row: creates the guest or invites the member through the <see cref="AttemptLoop"/>, settles
/// a duplicate that an unanswered attempt may have caused, and hands existing guests to the
/// <see cref="GuestUpdater"/> with <c>--on-existing update</c>. The run's delivery surface: the import
/// pipeline talks to this, <see cref="ListExistingAsync"/> included.
/// </summary>
internal sealed partial class RowSender
{
    private readonly AttemptLoop _attempts;
    private readonly RequestDispatcher _dispatcher;
    private readonly GuestUpdater _updater;
    private readonly PeopleLister _lister;

    // A 403 refuses one request; a run whose first requests are all refused has a token without permission.
    private int _succeeded;
    private int _forbidden;

    // After a seat-pool 409, no member of that pool is invited any more this run (admin and standard use
    // the full pool, light its own; a 409 that names no pool ends both); guests take no seat and go on.
    private volatile bool _fullSeatsGone;
    private volatile bool _lightSeatsGone;

    // With "Require SSO" on, Tallyfy blocks manual member invites: none is sent after the first refusal; guests go on.
    private volatile bool _ssoBlocksInvites;

    /// <summary>403s in a row, with nothing succeeded yet, that stop the run.</summary>
    public const int ForbiddenBeforeStop = 5;

    /// <param name="gate">The organization's gate, when runs share it (the watch service's files side by side); else the run's own.</param>
    internal RowSender(TallyfyClient client, DeliveryStats stats, DeliveryOptions options, TimeProvider timeProvider, ILogger<RowSender> logger, RequestGate? gate = null)
    {
        Gate = gate ?? new RequestGate(options, timeProvider, logger);
        _waitBefore = Gate.RateLimitWait;
        var breaker = new OutageBreaker(options, Gate, timeProvider, logger);
        _dispatcher = new RequestDispatcher(client, Gate, breaker, stats, options, timeProvider, logger);
        _attempts = new AttemptLoop(_dispatcher, options, timeProvider, logger);
        _updater = new GuestUpdater(_attempts);
        Processes = new ProcessLauncher(_attempts);
        Approvals = new ApprovalCalls(_attempts, timeProvider);
        _lister = new PeopleLister(_attempts, logger);
        _startedAt = timeProvider.GetUtcNow();
    }

    // When this run began: a guest Tallyfy answers 201 for, created before then, was linked, not created.
    private readonly DateTimeOffset _startedAt;

    /// <summary>Builds the sender the way the host's services do.</summary>
    internal static RowSender Create(IServiceProvider services) => new(
        services.GetRequiredService<TallyfyClient>(), new DeliveryStats(), services.GetRequiredService<IOptions<DeliveryOptions>>().Value,
        services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<RowSender>>(), services.GetRequiredService<RequestGate>());

    /// <summary>Requests, retries and 429s of this sender's run.</summary>
    public DeliveryStats Stats => _dispatcher.Stats;

    /// <summary>The limits learned from the API during this run.</summary>
    public IReadOnlyList<ApiLimit> ApiLimits => Gate.Limits;

    /// <summary>How long this run has waited for the API's allowance.</summary>
    public TimeSpan RateLimitWait => Gate.RateLimitWait - _waitBefore;

    // A shared gate has waited for earlier runs too: this run counts from its start.
    private readonly TimeSpan _waitBefore;

    /// <summary>What every worker waits for, and until when, while such a wait is in force.</summary>
    public (DateTimeOffset Until, string Reason)? Hold => Gate.Hold;

    /// <summary>Requests per second the API's known limits (and the configured ceiling) allow from now on.</summary>
    public double SustainedPerSecond => Gate.SustainedPerSecond;

    internal RequestGate Gate { get; }

    /// <summary>Templates read and processes launched (onboarding journeys), through the same attempts and gate.</summary>
    internal ProcessLauncher Processes { get; }

    /// <summary>The approval task's requests (approvals inside Tallyfy).</summary>
    internal ApprovalCalls Approvals { get; }

    /// <summary>What was estimated before the first request, per kind (for <c>summary.json</c>, with the actual).</summary>
    public Dictionary<string, KindEstimate> Estimates { get; } = [];

    /// <summary>Caps an earlier run of this organization learned (from the journal): used from the first request.</summary>
    public void RememberCaps(IEnumerable<LearnedCap> caps, ApiLimit? pace = null) => Gate.Remember(caps, pace);

    /// <summary>
    /// Before the first request: how long each kind will take under the pace (which the kinds share) and the caps known, in the
    /// log (at the information level once a cap is known) and, with the actual, in <c>summary.json</c>.
    /// </summary>
    public void AnnounceEstimate(int guests, int members, ILogger logger)
    {
        var parts = new List<string>();
        var times = Gate.TimesFor(new Dictionary<RequestScope, long> { [RequestScope.GuestCreate] = guests, [RequestScope.MemberInvite] = members });
        foreach (var (scope, rows, noun) in new[] { (RequestScope.GuestCreate, guests, "guests"), (RequestScope.MemberInvite, members, "members") })
        {
            if (rows == 0)
            {
                continue;
            }

            var eta = times[scope];
            Estimates[scope.ToWord()] = new KindEstimate(rows, (long)eta.TotalMilliseconds, null);
            parts.Add(Gate.CapOn(scope) is { } cap
                ? $"{rows} {noun} at {cap.Requests} per {Durations.Describe(cap.Window)} ({cap.Source}): about {Durations.Describe(eta)}"
                : $"{rows} {noun}: about {Durations.Describe(eta)}");
        }

        if (parts.Count > 0)
        {
            logger.Log(Gate.CapOn(RequestScope.GuestCreate) is not null || Gate.CapOn(RequestScope.MemberInvite) is not null ? LogLevel.Information : LogLevel.Debug,
                "Estimate before the first request: {Estimate}", string.Join("; ", parts));
        }
    }

    /// <summary>The estimates with how long each kind took from <paramref name="startedAt"/> to its last request.</summary>
    public Dictionary<string, KindEstimate>? EstimatesWithActuals(DateTimeOffset startedAt) => Estimates.Count == 0 ? null
        : Estimates.ToDictionary(e => e.Key, e => e.Value with
        {
            ActualMs = RequestScopes.Parse(e.Key) is { } scope && Gate.LastSentAt(scope) is { } last && last >= startedAt ? (long)(last - startedAt).TotalMilliseconds : null,
        });

    /// <summary>
    /// Sends <paramref name="payload"/> until it succeeds, fails for good or runs out of attempts.
    /// <paramref name="stopSending"/> ends the row before its next attempt; <paramref name="hardStop"/>
    /// also abandons an attempt in flight. <paramref name="unansweredBefore"/> is when an earlier run
    /// (killed, say) sent this row without learning its fate: a duplicate now is then most likely its doing.
    /// <paramref name="updateIfExists"/>: a guest Tallyfy already has is updated rather than skipped, as the
    /// run's plan decided (<c>--on-existing update</c>); the sender does not decide it.
    /// </summary>
    public async Task<DeliveryResult> SendAsync(PersonPayload payload, CancellationToken stopSending, CancellationToken hardStop, DateTimeOffset? unansweredBefore = null,
        bool updateIfExists = false)
    {
        if (payload is MemberPayload member && NotSendable(member) is { } why)
        {
            return new(Outcome.NotAttempted, null, null, 0, null, why);
        }

        var attempts = new RowAttempts
        {
            FirstUnansweredAt = unansweredBefore,
            LastError = unansweredBefore is null ? null : "an earlier run sent it and stopped before the answer came",
        };
        return WithRequestId(await SendAsync(payload, attempts, updateIfExists, stopSending, hardStop), attempts);
    }

    private async Task<DeliveryResult> SendAsync(PersonPayload payload, RowAttempts attempts, bool updateIfExists, CancellationToken stopSending, CancellationToken hardStop)
    {
        var sent = await _attempts.RunAsync(RequestScopes.Of(payload.Kind), (client, ct) => client.SendAsync(payload, ct), attempts, stopSending, hardStop);
        if (Ended(sent, attempts) is { } ended)
        {
            return ended;
        }

        var verdict = sent.Verdict;
        if (verdict.Kind == ApiVerdictKind.AlreadyExists && attempts.FirstUnansweredAt is { } unansweredAt)
        {
            return await ResolveUnansweredAsync(payload, verdict, attempts, unansweredAt, stopSending, hardStop);
        }

        if (verdict.Kind == ApiVerdictKind.Unconfirmed)
        {
            return await SettleUnconfirmedAsync(payload, verdict, attempts, stopSending, hardStop);
        }

        if (verdict.Kind == ApiVerdictKind.AlreadyExists && updateIfExists && payload is GuestPayload guest)
        {
            return await _updater.UpdateAsync(guest, attempts, stopSending, hardStop);
        }

        var result = ToResult(payload, verdict, attempts);
        return result.Outcome == Outcome.Created && sent.Response is { } response
            && GuestConfirmation.Judge(response, _startedAt, _dispatcher.Now) is (GuestOrigin.BeforeThisRun, var createdAt)
            ? result with { Message = $"Tallyfy already knew this guest (created {createdAt:u}, before this run) and linked it into the organization: it was not newly created", Linked = true }
            : result;
    }

    /// <summary><c>--on-existing update</c> for a guest known to exist (found by <c>--preflight</c>).</summary>
    public async Task<DeliveryResult> UpdateGuestAsync(GuestPayload guest, CancellationToken stopSending, CancellationToken hardStop)
    {
        var attempts = new RowAttempts();
        return WithRequestId(await _updater.UpdateAsync(guest, attempts, stopSending, hardStop), attempts);
    }

    /// <summary>The row's last answered request's <c>X-Request-Id</c>, for the report and a support ticket.</summary>
    private static DeliveryResult WithRequestId(DeliveryResult result, RowAttempts attempts) =>
        attempts.LastRequestId is { } id && result.RequestId is null ? result with { RequestId = id } : result;

    /// <summary><c>--preflight</c>: who Tallyfy already has (<see cref="PeopleLister"/>).</summary>
    public Task<ExistingPeople> ListExistingAsync(ListingBudget budget, CancellationToken cancellationToken) => _lister.ListExistingAsync(budget, cancellationToken);

    /// <summary>Everyone of a kind Tallyfy lists, for a sync; throws <see cref="InputException"/> when the listing cannot be read whole.</summary>
    internal Task<(List<ListedPerson> People, int Requests)> ListAllAsync(PersonKind kind, CancellationToken cancellationToken) =>
        _lister.ListAllAsync(kind, cancellationToken);

    /// <summary>How a call that produced no usable verdict ends the row, or <c>null</c> when it has one.</summary>
    internal static DeliveryResult? Ended(Dispatched sent, RowAttempts attempts) => sent.End switch
    {
        DispatchEnd.Stopped => NotAttempted(attempts, attempts.MaybeApplied
            ? $"the run stopped before a retry; an earlier attempt got no answer ({attempts.LastError}) and may have been applied"
            : attempts.Count > 0 ? $"the run stopped before a retry ({attempts.LastError})" : "the run stopped before this row was sent"),
        DispatchEnd.HardStopped => NotAttempted(attempts, "the run stopped while this request was in flight; it may have been applied"),
        DispatchEnd.MustStop => NotAttempted(attempts, sent.Message!) with { StopsRun = true },
        DispatchEnd.ScopeClosed => NotAttempted(attempts, sent.Message!),
        _ when sent.Verdict.Kind is ApiVerdictKind.Unauthorized or ApiVerdictKind.AccountLimit or ApiVerdictKind.WrongTarget =>
            new(Outcome.NotAttempted, null, NullIfZero(sent.Verdict.Status), attempts.Count, null, sent.Verdict.Message, StopsRun: true, MaybeApplied: attempts.MaybeApplied),
        _ => null,
    };

    private DeliveryResult ToResult(PersonPayload payload, ApiVerdict verdict, RowAttempts attempts)
    {
        var success = payload.Kind == PersonKind.Guest ? Outcome.Created : Outcome.Invited;
        return verdict.Kind switch
        {
            ApiVerdictKind.Succeeded => Succeeded(new(success, null, verdict.Status, attempts.Count, verdict.TallyfyId, null)),
            ApiVerdictKind.Forbidden => Forbidden(verdict, attempts),
            ApiVerdictKind.SeatsExhausted => SeatsGone(verdict, attempts, payload as MemberPayload),
            ApiVerdictKind.InvitesBlockedBySso when payload.Kind == PersonKind.Member => SsoBlocked(verdict, attempts),
            ApiVerdictKind.InvitesBlockedBySso => Forbidden(verdict, attempts),
            ApiVerdictKind.AlreadyExists => new(Outcome.Skipped, Outcomes.AlreadyExists, verdict.Status, attempts.Count, null, verdict.Message),
            ApiVerdictKind.Rejected => new(Outcome.Failed, null, verdict.Status, attempts.Count, null, verdict.Message),
            ApiVerdictKind.NoAnswer => new(Outcome.Failed, null, null, attempts.Count, null, $"no answer after {attempts.Count} attempt(s): {verdict.Message}", MaybeApplied: true),
            _ => new(Outcome.Failed, null, verdict.Status, attempts.Count, null, $"gave up after {attempts.Count} attempt(s): {verdict.Message}", MaybeApplied: attempts.MaybeApplied),
        };
    }
}
