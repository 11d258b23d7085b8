using System.Text.Json;
using System.Text.Json.Nodes;
using BulkOnboard.Plan;

namespace BulkOnboard.Delivery;

/// <summary>How one launch ended (PRODUCT.md, "Onboarding journeys").</summary>
/// <param name="Outcome"><c>launched</c>, <c>launched_incomplete</c> (read back without some fields: <paramref name="Missing"/>), <c>failed</c>, or
/// <c>unsettled</c> (it may have launched and could not be found out: never sent again blind).</param>
/// <param name="Found">The process was found by its name after an unanswered launch, not from the launch's own answer.</param>
internal sealed record LaunchOutcome(string Outcome, string? ProcessId, IReadOnlyList<string> Missing, string? Message, int? HttpStatus, int Attempts, bool Found = false)
{
    public const string Launched = "launched";
    public const string Incomplete = "launched_incomplete";
    public const string Failed = "failed";
    public const string Unsettled = "unsettled";

    /// <summary>Tallyfy holds the process (complete or not).</summary>
    public bool HasProcess => ProcessId is not null && Outcome is Launched or Incomplete;
}

/// <summary>
/// Reads templates and launches processes (TALLYFY-API.md, "Templates and processes"). Tallyfy has no
/// idempotency key, so a launch is never sent again once an attempt may have been applied: the process is
/// looked for by its name (<c>GET /runs?checklist_id=&amp;q=</c>) first. Every launched process is read back
/// (<c>GET /runs/{id}</c>), because Tallyfy drops a kick-off key it does not take without an error.
/// </summary>
internal sealed class ProcessLauncher(AttemptLoop attempts)
{
    private const int PageSize = 100;
    private const int MaxPages = 500;

    /// <summary>Every template whose title holds <paramref name="query"/> (all pages), or why they could not be listed.</summary>
    public async Task<(List<(string Id, string Title)>? Templates, string? Failure)> ListTemplatesAsync(string query, CancellationToken stop)
    {
        var found = new List<(string Id, string Title)>();
        var progress = new ListingProgress(PageSize);
        for (var page = 1; page <= MaxPages; page++)
        {
            var sent = await attempts.RunAsync(RequestScope.Read, (client, ct) => client.ListTemplatesAsync(query, page, PageSize, ct), new RowAttempts(), stop, stop);
            if (sent.Response is not { Status: >= 200 and < 300 } response)
            {
                return (null, Why(sent));
            }

            try
            {
                // Complete only as every listing is (ListingProgress): a server serving fewer a page than asked is paged on.
                var (templates, count, total) = ProcessJson.ParseTemplatePage(response.RawBody);
                found.AddRange(templates);
                switch (progress.Add(templates.Select(t => t.Id), count, total))
                {
                    case ListingState.Complete:
                        return (found, null);
                    case ListingState.Incomplete:
                        return (null, $"Tallyfy's template listing could not be shown complete ({progress.Shortfall})");
                }
            }
            catch (JsonException ex)
            {
                return (null, $"Tallyfy's template listing could not be read ({ex.Message})");
            }
        }

        return (found, null);
    }

    /// <summary><c>GET /checklists/{id}?with=steps</c>: the template, <c>null</c> when Tallyfy has no such template, or why it could not be read.</summary>
    public async Task<(Template? Template, bool Missing, string? Failure)> ReadTemplateAsync(string id, CancellationToken stop)
    {
        var sent = await attempts.RunAsync(RequestScope.Read, (client, ct) => client.GetTemplateAsync(id, ct), new RowAttempts(), stop, stop);
        if (sent is { End: DispatchEnd.Answered, Verdict.Status: 404 })
        {
            return (null, true, null);
        }

        if (sent.Response is not { Status: >= 200 and < 300 } response)
        {
            return (null, false, Why(sent));
        }

        return ProcessJson.ParseTemplate(response.RawBody) is { } template
            ? (template, false, ProcessJson.ShowsSteps(response.RawBody) ? null : $"Tallyfy's answer for template {id} did not list its steps")
            : (null, false, $"Tallyfy's answer for template {id} is not a template");
    }

    /// <summary>
    /// Launches <paramref name="launch"/> exactly once: when <paramref name="mayHaveLaunched"/> (an earlier run's launch had no
    /// answer) or an attempt here goes unanswered, the process is looked for by its name before anything is sent again.
    /// </summary>
    /// <param name="query">What the process's name holds for certain (the person's email): what the listing is searched by.</param>
    /// <param name="names">The names it may carry: the one it went out under first, and today's.</param>
    public async Task<LaunchOutcome> LaunchAsync(LaunchRequest launch, bool mayHaveLaunched, string query, IReadOnlyCollection<string> names, CancellationToken stopSending, CancellationToken hardStop)
    {
        var tries = new RowAttempts();
        var look = mayHaveLaunched;
        for (var round = 0; round < 3; round++)
        {
            if (look)
            {
                var (found, failure) = await FindAsync(launch.TemplateId, query, names, stopSending, hardStop);
                if (failure is not null)
                {
                    return new(LaunchOutcome.Unsettled, null, [], $"an earlier launch got no answer and the process could not be looked for ({failure}): not launched again", null, tries.Count);
                }

                if (found is not null)
                {
                    return await ReadBackAsync(launch, found, tries, stopSending, hardStop, foundByName: true);
                }
            }

            var sent = await attempts.RunAsync(RequestScope.Launch, (client, ct) => client.LaunchProcessAsync(launch, ct), tries, stopSending, hardStop, resendUnanswered: false);
            if (sent.End != DispatchEnd.Answered)
            {
                return new(tries.MaybeApplied || sent.End == DispatchEnd.HardStopped ? LaunchOutcome.Unsettled : LaunchOutcome.Failed, null, [],
                    sent.Message ?? "the run stopped before the launch was answered", null, tries.Count);
            }

            var verdict = sent.Verdict;
            if (verdict.Kind == ApiVerdictKind.Succeeded && sent.Response is { } answer && ProcessJson.ParseProcess(answer.RawBody).Id is { } id)
            {
                return await ReadBackAsync(launch, id, tries, stopSending, hardStop, foundByName: false);
            }

            if (verdict.Kind == ApiVerdictKind.Succeeded || verdict.MaybeApplied)
            {
                // Applied or not, nobody can tell from this answer: look before sending again.
                look = true;
                continue;
            }

            return new(LaunchOutcome.Failed, null, [], verdict.Message ?? $"HTTP {verdict.Status}", verdict.Status == 0 ? null : verdict.Status, tries.Count);
        }

        return new(LaunchOutcome.Unsettled, null, [], $"no answer after {tries.Count} attempt(s) ({tries.LastError}); not found by its name either: not launched again", null, tries.Count);
    }

    /// <summary>The process of this template with one of these names, if Tallyfy has one; or why it could not be looked for.</summary>
    private async Task<(string? Id, string? Failure)> FindAsync(string templateId, string query, IReadOnlyCollection<string> names, CancellationToken stopSending, CancellationToken hardStop)
    {
        var progress = new ListingProgress(PageSize);
        for (var page = 1; page <= MaxPages; page++)
        {
            var sent = await attempts.RunAsync(RequestScope.Launch, (client, ct) => client.FindProcessesAsync(templateId, query, page, PageSize, ct), new RowAttempts(), stopSending, hardStop);
            if (sent.Response is not { Status: >= 200 and < 300 } response)
            {
                return (null, Why(sent));
            }

            try
            {
                var (processes, count, total) = ProcessJson.ParseProcessPage(response.RawBody);
                if (processes.FirstOrDefault(p => names.Any(n => string.Equals(p.Name.Trim(), n.Trim(), StringComparison.OrdinalIgnoreCase))) is { Id: { } id })
                {
                    return (id, null);
                }

                // Not found only when the listing is shown complete; else nobody can tell, and nothing is sent again blind.
                switch (progress.Add(processes.Select(p => p.Id), count, total))
                {
                    case ListingState.Complete:
                        return (null, null);
                    case ListingState.Incomplete:
                        return (null, $"Tallyfy's process listing could not be shown complete ({progress.Shortfall})");
                }
            }
            catch (JsonException ex)
            {
                return (null, $"Tallyfy's process listing could not be read ({ex.Message})");
            }
        }

        return (null, $"more than {MaxPages * PageSize} processes carry that name");
    }

    /// <summary><c>GET /runs/{id}</c>: which kick-off fields sent are missing or empty in what Tallyfy stored.</summary>
    private async Task<LaunchOutcome> ReadBackAsync(LaunchRequest launch, string id, RowAttempts tries, CancellationToken stopSending, CancellationToken hardStop, bool foundByName)
    {
        var read = await attempts.RunAsync(RequestScope.Launch, (client, ct) => client.GetProcessAsync(id, ct), new RowAttempts(), stopSending, hardStop);
        var found = foundByName ? " (found by its name after a launch that got no answer)" : string.Empty;
        if (read.Response is not { Status: >= 200 and < 300 } response)
        {
            return new(LaunchOutcome.Incomplete, id, [], $"launched{found}, but it could not be read back ({Why(read)}): its kick-off fields are unchecked", null, tries.Count, foundByName);
        }

        var (_, stored) = ProcessJson.ParseProcess(response.RawBody);
        var missing = LaunchReadBack.Missing(launch, stored);
        return missing.Count == 0
            ? new(LaunchOutcome.Launched, id, [], $"launched{found}", null, tries.Count, foundByName)
            : new(LaunchOutcome.Incomplete, id, missing, $"launched{found}; Tallyfy kept no value for {string.Join(", ", missing.Select(m => $"'{m}'"))}", null, tries.Count, foundByName);
    }

    private static string Why(Dispatched sent) => sent.End == DispatchEnd.Answered
        ? sent.Verdict.Message ?? $"HTTP {sent.Verdict.Status}"
        : sent.Message ?? "the run stopped";
}
