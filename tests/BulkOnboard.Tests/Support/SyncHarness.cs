using System.Net;
using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Pipeline;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Support;

/// <summary>
/// A <see cref="SyncRunner"/> built as the host builds it, on a MockHttp Tallyfy (<see cref="SeenRequests"/>),
/// a journal in a temporary folder and a fake clock (the runner's: plan age, journal times). The sender
/// keeps real time with millisecond pacing, so requests never wait on the fake clock.
/// </summary>
internal sealed class SyncHarness : IDisposable
{
    public const string Target = "https://tallyfy.test/api|org 1";

    public SyncHarness(Action<BulkOnboard.Configuration.DeliveryOptions>? delivery = null)
    {
        Delivery = new DeliveryHarness(DeliveryHarness.Fast(o =>
        {
            o.MaxAttempts = 1;
            delivery?.Invoke(o);
        }));
        Seen = new SeenRequests(Delivery.Http);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));

    public TestFiles Files { get; } = new();

    public DeliveryHarness Delivery { get; }

    public SeenRequests Seen { get; }

    /// <summary>Leavers go at once (no grace, no size guard) unless a test says otherwise.</summary>
    public SyncOptions Sync { get; } = new() { LeaverGraceRuns = 1, LeaverGracePeriod = TimeSpan.Zero, MaxLeaversPercent = 100 };

    public string JournalPath => Path.Combine(Files.Folder, "journal", "journal.db");

    public string Roster(string csv) => Files.Write("roster.csv", csv);

    /// <summary>The members Tallyfy lists (JSON objects as its listing gives them); a test may change them between runs.</summary>
    public object[] Members { get; set; } = [];

    /// <summary>The guests Tallyfy lists.</summary>
    public object[] Guests { get; set; } = [];

    /// <summary>Tallyfy lists <see cref="Members"/>, <see cref="Guests"/> (as they are when each listing is asked for) and <paramref name="groups"/>.</summary>
    public void Lists(object[] members, object[]? guests = null, object[]? groups = null)
    {
        (Members, Guests) = (members, guests ?? []);
        Seen.Reply(HttpMethod.Get, "users", HttpStatusCode.OK, () => Listing(Members));
        Seen.Reply(HttpMethod.Get, "guests", HttpStatusCode.OK, () => Listing(Guests));
        Seen.Reply(HttpMethod.Get, "groups", HttpStatusCode.OK, Listing(groups ?? []));

        // Leavers hold no open tasks unless a test says otherwise (the org-wide listing by owner, a guest's own list).
        Seen.Reply(HttpMethod.Get, "tasks", HttpStatusCode.OK, Listing([]));
        Seen.Reply(HttpMethod.Get, "guests/*/tasks", HttpStatusCode.OK, Listing([]));
    }

    /// <summary>The read of a member leaver's open tasks (the first page).</summary>
    public static string TasksOf(long memberId) => $"GET tasks?owners={memberId}&status=incomplete&page=1&per_page=100";

    public static object Member(long id, string email, string first = "Mo", string last = "Ray", string role = "standard", string status = "active") =>
        new { id, email, first_name = first, last_name = last, role, status };

    public static string Listing(object[] people) => JsonSerializer.Serialize(new { data = people, meta = new { pagination = new { total = people.Length } } });

    /// <summary>The listings every sync starts with, in the order it sends them.</summary>
    public static readonly string[] ListingRequests = ["GET users?page=1&per_page=100", "GET guests?page=1&per_page=100", "GET groups?page=1&per_page=100&with=users,guests"];

    /// <summary>Records in the journal that an earlier run of BulkOnboard created or invited this person (what makes a leaver its own).</summary>
    public async Task OnboardedEarlierAsync(PersonKind kind, string email, string id)
    {
        await using var earlier = RunJournal.Open(JournalPath, Target, "earlier.csv", "earlier-sha", forced: false, Time, NullLogger.Instance, command: "sync");
        await earlier.RecordAsync(kind, email, 2, kind == PersonKind.Member ? "invited" : "created", null, id, maybeApplied: false, onboarded: true);
    }

    public Task<SyncOutcome> RunAsync(SyncMode mode, string? roster, string? plan = null, string reports = "reports", CancellationToken cancellationToken = default)
    {
        var runner = new SyncRunner(Options.Create(new ImportOptions { InviteMessage = "Welcome" }), Options.Create(Sync), Options.Create(Delivery.Delivery), Time, NullLogger<SyncRunner>.Instance);
        return runner.RunAsync(mode, roster, plan, new JournalRequest(JournalPath, Target, Force: false), Delivery.Sender, Path.Combine(Files.Folder, reports), cancellationToken);
    }

    /// <summary>The lines of a report CSV after its header, split on commas (the tests' values have none).</summary>
    public static List<string[]> CsvLines(string path) => [.. File.ReadAllLines(path).Skip(1).Select(l => l.Split(','))];

    public void Dispose()
    {
        Delivery.Dispose();
        SqliteConnection.ClearAllPools();
        Files.Dispose();
    }
}
