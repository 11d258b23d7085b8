using System.Collections.Concurrent;

namespace BulkOnboard.Sandbox;

/// <summary>A person the sandbox holds.</summary>
public sealed record SandboxPerson(string Id, string Kind, string Email, IReadOnlyDictionary<string, string?> Fields, DateTimeOffset CreatedAt);

/// <summary>A Tallyfy group: its members by id, its guests by email.</summary>
public sealed record SandboxGroup(string Id, string Name, string Description, IReadOnlyList<long> Members, IReadOnlyList<string> Guests);

/// <summary>One request the sandbox received, and how it answered.</summary>
public sealed record ReceivedRequest(DateTimeOffset At, string Method, string Path, string? Email, int Status, bool Applied)
{
    /// <summary>The <c>X-Request-Id</c> the sandbox answered with.</summary>
    public string? RequestId { get; init; }
}

/// <summary>What the sandbox holds and has seen; tests read it to check what the server received.</summary>
public sealed partial class SandboxState
{
    private int _nextMemberId = 1000;

    public ConcurrentDictionary<string, SandboxPerson> Guests { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentDictionary<string, SandboxPerson> Members { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The organization's default administrator, listed with the members (<c>is_default_admin</c>) but kept
    /// apart from <see cref="Members"/>, which holds the people the tests sent or seeded.
    /// </summary>
    public SandboxPerson? DefaultAdmin { get; set; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Groups by id.</summary>
    public ConcurrentDictionary<string, SandboxGroup> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>The group with this name (names are unique, compared without case), if any.</summary>
    public SandboxGroup? GroupNamed(string name) => Groups.Values.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Tokens issued by <c>POST /oauth/token</c>, with when they stop working.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> IssuedTokens { get; } = new(StringComparer.Ordinal);

    public int NextMemberId() => Interlocked.Increment(ref _nextMemberId);

    /// <summary>
    /// Each guest's <c>link</c>, by email: Tallyfy's login-bypassing "forever link"
    /// (<c>https://go.tallyfy.com/guest/&lt;token&gt;</c>), made on first sight. Tests read it to prove no link leaks.
    /// </summary>
    public ConcurrentDictionary<string, string> GuestLinks { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The guest's link, made now if it has none yet.</summary>
    public string GuestLink(string email) =>
        GuestLinks.GetOrAdd(email, _ => "https://go.tallyfy.com/guest/" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant());

    private readonly Lock _outageLock = new();
    private (DateTimeOffset From, DateTimeOffset Until) _outage;

    /// <summary>Makes the API answer 503 to everything from <paramref name="from"/> for <paramref name="duration"/>.</summary>
    public void ScheduleOutage(DateTimeOffset from, TimeSpan duration)
    {
        lock (_outageLock)
        {
            _outage = (from, from + duration);
        }
    }

    private int _listingFailures;

    /// <summary>Makes the next <paramref name="count"/> listing pages (<c>GET /users</c>, <c>GET /guests</c>) answer 503 (a transient fault on a listing).</summary>
    public void FailNextListings(int count) => Volatile.Write(ref _listingFailures, count);

    /// <summary>Whether this listing page is one of those made to fail (<see cref="FailNextListings"/>).</summary>
    public bool TakeListingFailure() => Interlocked.Decrement(ref _listingFailures) >= 0;

    /// <summary>Whether the API is down at <paramref name="now"/>.</summary>
    public bool IsDown(DateTimeOffset now)
    {
        lock (_outageLock)
        {
            return now >= _outage.From && now < _outage.Until;
        }
    }

    private DateTimeOffset _throttledUntil;

    /// <summary>Makes the API answer 429 with <c>Retry-After</c> to everything until <paramref name="until"/>.</summary>
    public void ThrottleUntil(DateTimeOffset until)
    {
        lock (_outageLock)
        {
            _throttledUntil = until;
        }
    }

    /// <summary>How long the API still refuses everything with 429, if it does at <paramref name="now"/>.</summary>
    public TimeSpan? ThrottledFor(DateTimeOffset now)
    {
        lock (_outageLock)
        {
            return _throttledUntil > now ? _throttledUntil - now : null;
        }
    }

    /// <summary>How many write requests (POST/PUT) the sandbox received for an email.</summary>
    public int WritesFor(string email) =>
        Requests.Count(r => r.Method is "POST" or "PUT" && string.Equals(r.Email, email, StringComparison.OrdinalIgnoreCase));
}
