using System.Text.Json;
using System.Text.Json.Serialization;
using BulkOnboard.Validation;

namespace BulkOnboard.Reporting;

/// <summary>A limit the run learned from the API, as <c>summary.json</c> lists it.</summary>
internal sealed record ApiLimitSummary(int Requests, double WindowSeconds, string Source);

/// <summary>One kind of request in <c>summary.json</c>: how many were sent, how many answered 429, and how long the kind was held beyond its pace.</summary>
internal sealed record KindRequests(long Requests, long RateLimited, long HeldMs);

/// <summary>The run's totals: <c>summary.json</c>, the console table and the exit code come from this.</summary>
internal sealed record RunSummary
{
    public required string Command { get; init; }
    public required string InputFile { get; init; }
    public required string InputSha256 { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required int Total { get; init; }
    public required int Created { get; init; }
    public required int Invited { get; init; }
    public required int Updated { get; init; }
    public required int Skipped { get; init; }
    public required int Invalid { get; init; }
    public required int Failed { get; init; }
    public required int NotAttempted { get; init; }
    public required int Valid { get; init; }
    public required Dictionary<string, int> SkippedReasons { get; init; }

    /// <summary>A preview's valid rows by what import would do with them (<c>would_create</c>, <c>would_invite</c>); absent when none.</summary>
    public Dictionary<string, int>? ValidReasons { get; init; }

    /// <summary>Onboarding journeys by outcome (launched, launched_incomplete, scheduled, skipped, failed, not_launched), when any applied.</summary>
    public Dictionary<string, int>? Journeys { get; init; }
    public required long Requests { get; init; }
    public required long Retries { get; init; }
    public required long RateLimited { get; init; }
    public required long ElapsedMs { get; init; }

    /// <summary>Processor time this process has used, start-up included.</summary>
    public long CpuMs { get; init; }
    public required int ExitCode { get; init; }

    /// <summary>Time the run waited for the API's allowance (429s, learned limits spent), when it sent anything.</summary>
    public long? RateLimitWaitMs { get; init; }

    /// <summary>Each limit learned from the API: requests per window, and which headers or answers showed it.</summary>
    public List<ApiLimitSummary>? ApiLimits { get; init; }

    /// <summary>Listing requests <c>--preflight</c> made, when it ran.</summary>
    public int? PreflightRequests { get; init; }

    /// <summary>Create requests <c>--preflight</c> saved: rows it found in Tallyfy.</summary>
    public int? PreflightSavedPosts { get; init; }

    /// <summary>Per kind of request (<c>guest_create</c>, <c>member_invite</c>): rows, the estimate made before the first request, and how long it took to the last.</summary>
    public Dictionary<string, Delivery.KindEstimate>? Estimates { get; init; }

    /// <summary>
    /// <see cref="Requests"/> and <see cref="RateLimited"/> by kind (<c>guest_create</c>, <c>member_invite</c>, <c>read</c>, <c>write</c>),
    /// with the time each was held (a cap, the API's allowance, an outage): the HTML report's timeline added up.
    /// </summary>
    public Dictionary<string, KindRequests>? RequestsByKind { get; init; }

    /// <summary>The run's requests over time (the HTML report draws it; <see cref="RequestsByKind"/> adds it up).</summary>
    [JsonIgnore]
    public Delivery.TimelineSnapshot? Timeline { get; init; }

    /// <summary>This summary with the run's <paramref name="timeline"/>, and <see cref="RequestsByKind"/> taken from it.</summary>
    public RunSummary With(Delivery.TimelineSnapshot timeline) => this with
    {
        Timeline = timeline,
        RequestsByKind = timeline.Kinds.ToDictionary(k => Delivery.RequestScopes.ToWord(k), k => new KindRequests(timeline.Sent(k), timeline.RateLimited(k), timeline.HeldMs(k))),
    };

    /// <summary>A groups column (import, sync): memberships changed, and those that could not be (counted apart: a person's outcome is their own).</summary>
    public int? GroupMembershipsAdded { get; init; }

    public int? GroupMembershipsFailed { get; init; }

    /// <summary><c>sync</c>: members deactivated, guests removed, and leaver actions held by a guard.</summary>
    public int? Deactivated { get; init; }

    public int? Removed { get; init; }

    public int? Held { get; init; }

    /// <summary>Rows (or dated actions) not due yet: a hire starting later than the lead time, a leaver whose end date is ahead.</summary>
    public int Scheduled { get; init; }

    /// <summary>Scheduled hires this run's file withdrew (no longer listed, or listed without a start date): cancelled, never sent on the old date.</summary>
    public int Cancelled { get; init; }

    /// <summary>The first invalid and failed rows, with why, for the console; not written (the reports hold them all).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> FirstProblems { get; init; } = [];

    /// <summary>The soonest dated action still waiting in the journal for this organization, as its person's calendar shows it.</summary>
    public string? NextDue { get; init; }

    /// <summary>Dated actions that came due and were carried out (or tried) by this run.</summary>
    public int? DueCarriedOut { get; init; }

    /// <summary><c>sync</c>: members whose invitation has been pending longer than <c>Dates:PendingInviteAlertDays</c>.</summary>
    public int? PendingInvites { get; init; }

    /// <summary>The approval task a sync asked in Tallyfy for its held changes (or found open for the same roster).</summary>
    public string? ApprovalTask { get; init; }

    /// <summary>The journal's id for this run (what <c>sync --undo</c> takes), when the journal was used.</summary>
    public long? RunId { get; init; }

    /// <summary>Why the run stopped early, when it did.</summary>
    public string? StoppedBecause { get; init; }

    [JsonIgnore]
    public ReportPaths? Reports { get; init; }

    /// <summary>A summary with the totals of <paramref name="counts"/>; the caller adds what its run measured.</summary>
    public static RunSummary Of(string command, string inputFile, string inputSha256, DateTimeOffset startedAt, OutcomeCounts counts, int exitCode) => new()
    {
        Command = command,
        InputFile = inputFile,
        InputSha256 = inputSha256,
        StartedAt = startedAt,
        Total = counts.Total,
        Created = counts[Outcome.Created],
        Invited = counts[Outcome.Invited],
        Updated = counts[Outcome.Updated],
        Skipped = counts[Outcome.Skipped],
        Invalid = counts[Outcome.Invalid],
        Failed = counts[Outcome.Failed],
        NotAttempted = counts[Outcome.NotAttempted],
        Valid = counts[Outcome.Valid],
        Scheduled = counts[Outcome.Scheduled],
        Cancelled = counts[Outcome.Cancelled],

        // Any run may carry out dated leaver actions at its end: counted wherever they happen, shown when there are any.
        Deactivated = counts[Outcome.Deactivated] > 0 ? counts[Outcome.Deactivated] : null,
        Removed = counts[Outcome.Removed] > 0 ? counts[Outcome.Removed] : null,
        Held = counts[Outcome.Held] > 0 ? counts[Outcome.Held] : null,
        SkippedReasons = counts.SkippedByReason,
        ValidReasons = counts.ValidByReason.Count > 0 ? counts.ValidByReason : null,
        Journeys = counts.Journeys.Count > 0 ? counts.Journeys : null,
        FirstProblems = [.. counts.FirstProblems],
        Requests = 0,
        Retries = 0,
        RateLimited = 0,
        ElapsedMs = 0,
        ExitCode = exitCode,
    };

    /// <summary>What the journal keeps of this run.</summary>
    public Journal.RunTotals Totals => new(Total, Created, Invited, Updated, Skipped, Invalid, Failed, NotAttempted, Requests, ExitCode);

    /// <param name="membershipsFailed">Group memberships that could not be changed: counted apart from the people, but the run needs attention.</param>
    public static int DecideExitCode(OutcomeCounts counts, bool stoppedEarly, int membershipsFailed = 0) =>
        stoppedEarly || counts[Outcome.NotAttempted] > 0 ? ExitCodes.Aborted
        // PRODUCT.md: 5 wins over 2 (a held leaver needs a decision; the invalid and failed rows are counted beside it in the summary).
        : counts[Outcome.Held] > 0 ? ExitCodes.LeaversHeld
        : counts[Outcome.Invalid] > 0 || counts[Outcome.Failed] > 0 || membershipsFailed > 0 || counts.JourneysNeedingAttention > 0 ? ExitCodes.RowsNeedAttention
        : ExitCodes.Success;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void WriteTo(string path)
    {
        // Written next to the final name and moved into place: a reader never sees half a summary.
        Storage.PrivateFiles.WriteAllTextAtomically(path, JsonSerializer.Serialize(this, Json));
    }

    /// <summary>What <c>summary.json</c> holds, as JSON (the workbook's Summary sheet shows the same).</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, Json);

    public static RunSummary Read(string path) =>
        JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} holds no summary");
}
