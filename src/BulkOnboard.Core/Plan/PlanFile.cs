using System.Text.Json;
using System.Text.Json.Serialization;
using BulkOnboard.Input;
using BulkOnboard.Storage;

namespace BulkOnboard.Plan;

/// <summary>
/// A sync plan on disk: <c>&lt;stem&gt;.&lt;time&gt;.plan.csv</c> for people to read
/// (<c>row,kind,email,action,detail,open_tasks,successor</c>) and <c>.plan.json</c> for <c>sync --apply</c>: the changes, the
/// roster's SHA-256 and when it was planned.
/// </summary>
internal sealed record PlanFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public long? RunId { get; init; }

    public required DateTimeOffset PlannedAt { get; init; }

    public required string RosterFile { get; init; }

    public required string RosterSha256 { get; init; }

    public required int RosterPeople { get; init; }

    public required int OutOfScope { get; init; }

    public required Dictionary<string, int> Counts { get; init; }

    public required List<string> Guards { get; init; }

    public required List<PlanLine> Changes { get; init; }

    /// <summary>The dated actions the plan schedules, soonest first: "invite ann@x.example due 2026-12-08 00:00 Europe/Berlin".</summary>
    public List<string> Calendar { get; init; } = [];

    /// <summary>The mapping file the roster was read with (<c>--mapping</c>), if any: <c>--apply</c> reads the roster with it again.</summary>
    public string? Mapping { get; init; }

    /// <summary>The mapping file's SHA-256 when the plan was made: an apply refuses a mapping that changed since.</summary>
    public string? MappingSha256 { get; init; }

    /// <summary>The settings that shaped the changes (<see cref="PlanSettings"/>); <c>null</c> in a plan from an older BulkOnboard.</summary>
    public SortedDictionary<string, string>? Settings { get; init; }

    public static PlanFile From(SyncPlan plan, string rosterPath, string rosterSha256, DateTimeOffset plannedAt, long? runId, string? mapping = null,
        SortedDictionary<string, string>? settings = null) => new()
    {
        Mapping = mapping is null ? null : Path.GetFullPath(mapping),
        MappingSha256 = mapping is null ? null : Sha256Of(mapping),
        Settings = settings,
        RunId = runId,
        PlannedAt = plannedAt,
        RosterFile = Path.GetFullPath(rosterPath),
        RosterSha256 = rosterSha256,
        RosterPeople = plan.RosterPeople,
        OutOfScope = plan.OutOfScope,
        Counts = Enum.GetValues<PlanAction>().ToDictionary(a => a.ToWord(), plan.Count),
        Guards = [.. plan.Guards],
        Changes = [.. plan.All.Select(PlanLine.From)],
        Calendar = [.. plan.Due.OrderBy(d => d.DueAt).Select(d => d.ToString())],
    };

    /// <summary>Writes <c>plan.csv</c> (with a byte order mark when <paramref name="bom"/>) and <c>plan.json</c> at <paramref name="prefix"/> (the run's reports' own, beside them); returns their paths.</summary>
    public (string Csv, string Json) Write(string prefix, bool bom = true)
    {
        var (csvPath, jsonPath) = (prefix + ".plan.csv", prefix + ".plan.json");
        using (var csv = ReportCsv.Create(csvPath, bom))
        {
            csv.WriteHeader(["row", "kind", "email", "action", "detail", "open_tasks", "successor"]);
            foreach (var line in Changes)
            {
                csv.WriteField(line.Row?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
                csv.WriteField(line.Kind);
                csv.WriteField(line.Email);
                csv.WriteField(line.Action);
                csv.WriteField(line.Detail);
                csv.WriteField(line.OpenTasks?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
                csv.WriteField(line.Successor ?? string.Empty);
                csv.EndRecord();
            }
        }

        PrivateFiles.WriteAllTextAtomically(jsonPath, JsonSerializer.Serialize(this, Json));
        return (csvPath, jsonPath);
    }

    /// <summary>
    /// The most a <c>plan.json</c> may hold: one change is a few hundred bytes, so 256 MB is far past any
    /// roster (100,000 people plan to about 30 MB) and keeps <c>/dev/zero</c>-like input from filling memory.
    /// </summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    /// <summary>
    /// Reads a <c>plan.json</c>, only from a regular file (a FIFO would block, a device never end) within
    /// <see cref="MaxBytes"/>; throws <see cref="InputException"/> with one line when it cannot be used.
    /// </summary>
    public static PlanFile Read(string path)
    {
        try
        {
            using var stream = InputFile.OpenRead(path);
            if (stream.Length > MaxBytes)
            {
                throw new InputException($"{path}: larger than {MaxBytes / (1024 * 1024):N0} MB; this is not a plan written by bulkonboard sync");
            }

            var plan = JsonSerializer.Deserialize<PlanFile>(stream, Json) ?? throw new InputException($"{path}: holds no plan");
            foreach (var line in plan.Changes)
            {
                _ = line.ToChange();
            }

            return plan;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"the plan {path} cannot be read: {ex.Message}");
        }
        catch (JsonException ex)
        {
            throw new InputException($"{path} is not a plan written by bulkonboard sync: {ex.Message}");
        }
    }

    public IEnumerable<PlannedChange> ToChanges() => Changes.Select(c => c.ToChange());

    /// <summary>A file's SHA-256 in lower-case hex (a mapping's, to know it is the one the plan was made with).</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }
}

/// <summary>One change as <c>plan.json</c> holds it.</summary>
internal sealed record PlanLine(int? Row, string Kind, string Email, string Action, string? Intended, string Detail, string? TallyfyId, string? Role, List<long>? AssociatedMembers,
    string? Group = null, string? FirstName = null, string? LastName = null, string? Timezone = null)
{
    /// <summary>A leaver's open tasks when planned.</summary>
    public int? OpenTasks { get; init; }

    /// <summary>Who takes over a leaver's open tasks (email).</summary>
    public string? Successor { get; init; }

    public string? SuccessorId { get; init; }

    public static PlanLine From(PlannedChange change) => new(
        change.Row, change.Kind.ToWord(), change.Email, change.Action.ToWord(), change.Intended?.ToWord(), change.Detail, change.TallyfyId, change.Role,
        change.AssociatedMembers?.ToList(), change.Group, change.FirstName, change.LastName, change.Timezone)
    {
        OpenTasks = change.OpenTasks,
        Successor = change.Successor,
        SuccessorId = change.SuccessorId,
    };

    public PlannedChange ToChange()
    {
        if (!PersonKinds.TryParse(Kind, out var kind) || !PlanActions.TryParse(Action, out var action))
        {
            throw new JsonException($"a change has kind '{Kind}' and action '{Action}'");
        }

        PlanAction? intended = null;
        if (Intended is not null)
        {
            intended = PlanActions.TryParse(Intended, out var parsed) ? parsed : throw new JsonException($"a change intends '{Intended}'");
        }

        return new(Row, kind, Email, action, Detail, TallyfyId, Role, AssociatedMembers, intended, Group, FirstName, LastName, Timezone)
        {
            OpenTasks = OpenTasks,
            Successor = Successor,
            SuccessorId = SuccessorId,
        };
    }
}
