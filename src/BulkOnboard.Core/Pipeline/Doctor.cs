using System.Security.Authentication;
using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Journal;
using BulkOnboard.Reporting;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Pipeline;

/// <summary>How one of <c>doctor</c>'s checks came out.</summary>
public enum DoctorStatus
{
    Ok,
    Warning,
    Failed,
}

/// <summary>One line of <c>bulkonboard doctor</c>: what was checked, how it came out, and what to do.</summary>
/// <param name="Setting">The setting the line is about (<c>Tallyfy:BaseUrl</c>), when one is.</param>
internal sealed record DoctorCheck(string Name, DoctorStatus Status, string Line, string? Setting = null);

/// <summary>
/// <c>bulkonboard doctor</c>: in seconds, whether a run would reach Tallyfy and could do its work. Each
/// check is one request at most, without retries or pacing (a wrong port is known at once, not after
/// <c>Delivery:GiveUpAfter</c>); nothing is changed in Tallyfy, nothing is written but a probe file.
/// </summary>
internal sealed class Doctor(TallyfyClient client, IOptions<TallyfyOptions> tallyfy, IOptions<JournalOptions> journal, IOptions<ImportOptions> import, TimeProvider timeProvider)
{
    /// <summary>How long one check waits for Tallyfy.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public async Task<List<DoctorCheck>> ExamineAsync(CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck>();
        var me = await ReachAsync(checks, cancellationToken);
        if (me is { } id)
        {
            checks.Add(await RoleAsync(id, cancellationToken));
        }

        checks.Add(new DoctorCheck("seats", DoctorStatus.Ok,
            "seat pools: Tallyfy's API does not show them; a run that meets 409 SEAT_POOL_EXHAUSTED stops that pool's invites (guests go on)"));
        checks.Add(Journal());
        checks.Add(Reports());
        return checks;
    }

    /// <summary>The base URL, the token and the organization, with one <c>GET /organizations/{org}/me</c>; the token's user id when all three hold.</summary>
    private async Task<string?> ReachAsync(List<DoctorCheck> checks, CancellationToken cancellationToken)
    {
        var baseUrl = tallyfy.Value.BaseUrl;
        var org = tallyfy.Value.OrganizationId;
        ApiResponse answer;
        try
        {
            using var patience = new CancellationTokenSource(Patience, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(patience.Token, cancellationToken);
            answer = await client.GetMeAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            checks.Add(Fail("reach", $"no answer from {baseUrl} within {Patience.TotalSeconds:0} s: {WrongTarget.CheckHostAndPort}, a proxy or a firewall", WrongTarget.BaseUrlSetting));
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or AuthenticationException)
        {
            checks.Add(Fail("reach", $"cannot reach {baseUrl} ({Why(ex)}): {WrongTarget.CheckHostAndPort}", WrongTarget.BaseUrlSetting));
            return null;
        }

        switch (answer.Status)
        {
            case >= 200 and < 300 when Me(answer.RawBody) is { } user:
                checks.Add(new DoctorCheck("reach", DoctorStatus.Ok, $"Tallyfy answers at {baseUrl}"));
                checks.Add(new DoctorCheck("token", DoctorStatus.Ok, $"the token is accepted; it is {user.Email} (member {user.Id})"));
                checks.Add(new DoctorCheck("organization", DoctorStatus.Ok, $"organization {org} is one this token may use"));
                return user.Id;
            case 404 when WrongTarget.IsUnknownEndpoint(answer) || WrongTarget.IsNotTallyfys404(answer):
            case >= 200 and < 300:
                checks.Add(Fail("reach", $"{baseUrl} answers (HTTP {answer.Status}), but not as Tallyfy's API: {WrongTarget.CheckPath}", WrongTarget.BaseUrlSetting));
                return null;
            case 401:
                checks.Add(new DoctorCheck("reach", DoctorStatus.Ok, $"Tallyfy answers at {baseUrl}"));
                checks.Add(Fail("token", "the token was refused (401: expired, revoked by a log-out, or not a Tallyfy token): make a new personal access token (Settings > Integrations > REST API), or check Tallyfy:ClientId/ClientSecret", "Tallyfy:AccessToken"));
                return null;
            // The token's own record exists in every organization it may use: any refusal of it is the organization.
            case 403 or 404:
                checks.Add(new DoctorCheck("reach", DoctorStatus.Ok, $"Tallyfy answers at {baseUrl}"));
                checks.Add(Fail("organization", $"organization '{org}' is not one this token may use (HTTP {answer.Status}: {Said(answer.Body)}): {WrongTarget.CheckOrganization}", WrongTarget.OrganizationSetting));
                return null;
            default:
                checks.Add(Fail("reach", $"{baseUrl} answered HTTP {answer.Status} ({Said(answer.Body)}): try again later, or check Tallyfy:BaseUrl", WrongTarget.BaseUrlSetting));
                return null;
        }
    }

    /// <summary>The token's user's role: an admin may do everything a run does; anyone else only creates guests.</summary>
    private async Task<DoctorCheck> RoleAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            using var patience = new CancellationTokenSource(Patience, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(patience.Token, cancellationToken);
            var answer = await client.GetMemberAsync(id, linked.Token);
            var role = answer.Status is >= 200 and < 300 ? Field(answer.RawBody, "role") : null;
            return role is null
                ? new DoctorCheck("role", DoctorStatus.Warning, $"the token's user cannot read its own member record (HTTP {answer.Status}): it is most likely not an admin; inviting members, changing roles, deactivating and groups need an admin")
                : string.Equals(role, "admin", StringComparison.OrdinalIgnoreCase)
                    ? new DoctorCheck("role", DoctorStatus.Ok, "the token's user is an admin: it may create guests, invite members (admins too), change roles, deactivate and manage groups")
                    : new DoctorCheck("role", DoctorStatus.Warning, $"the token's user is a {role}, not an admin: guests can be created, but inviting admins, changing roles, deactivating and groups need an admin's token");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DoctorCheck("role", DoctorStatus.Warning, $"the token's role could not be read ({ex.Message})");
        }
    }

    private DoctorCheck Journal()
    {
        var options = journal.Value;
        if (!options.Enabled)
        {
            return new DoctorCheck("journal", DoctorStatus.Warning, "the journal is off (Journal:Enabled=false): a re-run sends rows again, and sync, due and undo cannot run", "Journal:Enabled");
        }

        var path = options.ResolvePath();
        if (!File.Exists(path))
        {
            return new DoctorCheck("journal", DoctorStatus.Ok, $"journal {path}: not created yet (the first run creates it, owner-only)");
        }

        if (OperatingSystem.IsWindows())
        {
            return new DoctorCheck("journal", DoctorStatus.Ok, $"journal {path}");
        }

        var mode = File.GetUnixFileMode(path);
        var wide = (mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0;
        return new DoctorCheck("journal", wide ? DoctorStatus.Warning : DoctorStatus.Ok,
            $"journal {path} (mode {Convert.ToString((int)mode, 8)}{(wide ? ": others may read it; the next run makes it owner-only" : ", owner-only")})", "Journal:Path");
    }

    private DoctorCheck Reports()
    {
        var folder = import.Value.ReportFolder;

        // The check makes what a run would make, then takes away the folders it made: doctor leaves nothing behind.
        var missing = new List<string>();
        for (var path = Path.GetFullPath(folder); !Directory.Exists(path) && Path.GetDirectoryName(path) is { } parent; path = parent)
        {
            missing.Add(path);
        }

        try
        {
            _ = ReportPaths.Create(folder, "doctor.csv", timeProvider.GetLocalNow());
            return new DoctorCheck("reports", DoctorStatus.Ok, $"report folder {Path.GetFullPath(folder)} can be written{(missing.Count > 0 ? " (the first run makes it)" : string.Empty)}");
        }
        catch (Input.InputException ex)
        {
            return new DoctorCheck("reports", DoctorStatus.Failed, $"{ex.Message}: set --out or Import:ReportFolder to a folder this user may write", "Import:ReportFolder");
        }
        finally
        {
            foreach (var made in missing.Where(Directory.Exists))
            {
                try
                {
                    Directory.Delete(made);
                }
                catch (IOException)
                {
                    // Something else wrote there meanwhile: it stays.
                }
            }
        }
    }

    private static DoctorCheck Fail(string name, string line, string setting) => new(name, DoctorStatus.Failed, line, setting);

    /// <summary>The cause a person can act on: refused, no such host, a certificate (<see cref="WrongTarget.Unreachable"/>), else what the failure said.</summary>
    private static string Why(Exception ex) => WrongTarget.Unreachable(ex) ?? (ex is HttpRequestException { InnerException: { } inner } ? inner.Message : ex.Message);

    private static (string Id, string? Email)? Me(string body)
    {
        var id = Field(body, "id");
        return id is null ? null : (id, Field(body, "email"));
    }

    /// <summary>A field of the record in <c>data</c> (or at the top), as text; <c>null</c> when the body is not such JSON.</summary>
    private static string? Field(string body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var record = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("data", out var data) ? data : document.RootElement;
            return record.ValueKind == JsonValueKind.Object && record.TryGetProperty(name, out var value)
                ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What an answer said, in one safe line: its message, or the start of its body.</summary>
    private static string Said(string body)
    {
        var text = Field(body, "message") ?? body.ReplaceLineEndings(" ").Trim();
        return Input.SafeText.Of(text.Length <= 200 ? text : text[..200] + "...");
    }
}
