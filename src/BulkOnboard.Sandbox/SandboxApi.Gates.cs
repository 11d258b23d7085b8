using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace BulkOnboard.Sandbox;

/// <summary>The gates every API request passes in Tallyfy's order (outage, authentication, limits, latency, faults, organization), and how answers go back (or are lost).</summary>
internal sealed partial class SandboxApi
{
    // The API requests seen, while Sandbox:OutageAfterRequests counts them.
    private int _requestsBeforeOutage;

    /// <summary>Outage, authentication, rate limit, latency, injected faults, organization: false when one answered already.</summary>
    private async Task<bool> PassGatesAsync(HttpContext http, string org, string? email)
    {
        if (options.AcceptInvitesAfter is { } accepting)
        {
            state.AcceptDueInvitations(accepting);
        }

        if (options.OutageAfterRequests is { } after && Interlocked.Increment(ref _requestsBeforeOutage) == after + 1)
        {
            state.ScheduleOutage(timeProvider.GetUtcNow(), options.OutageDuration);
        }

        if (state.IsDown(timeProvider.GetUtcNow()))
        {
            await RespondAsync(http, email, 503, new { message = "Service Unavailable" });
            return false;
        }

        var headers = http.Request.Headers;
        if (!IsAccepted(headers.Authorization.ToString())
            || !headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase)
            || headers["X-Tallyfy-Client"].ToString() != "APIClient")
        {
            await RespondAsync(http, email, 401, new { message = "Unauthenticated." });
            return false;
        }

        if (options.WrongOrganization)
        {
            await RespondAsync(http, email, 403, new { error = true, message = "You don't have application's permissions for this organization!" });
            return false;
        }

        if (_tallyfyLimits.CheckBurst() is { } throttled)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(throttled.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await RespondAsync(http, email, 429, new { message = "Too Many Attempts." });
            return false;
        }

        if (_rateGate.Check(http.Response.Headers) is { } retryAfter)
        {
            // Whole seconds, rounded up, as real servers send it.
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await RespondAsync(http, email, 429, new { message = "Too Many Attempts.", code = "RATE_LIMIT_EXCEEDED" });
            return false;
        }

        var delay = Roll(options.SlowRate) ? options.SlowLatency : options.Latency;
        if (delay > TimeSpan.Zero)
        {
            // Like a real server, a slow request is still processed when the client has given up on it.
            try
            {
                await Task.Delay(delay, timeProvider, lifetime.ApplicationStopping);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        if (Roll(options.FailureRate))
        {
            await RespondAsync(http, email, 503, new { message = "Service Unavailable" });
            return false;
        }

        if (Roll(options.DropRate))
        {
            Drop(http, email, applied: false);
            return false;
        }

        if (org != options.OrganizationId)
        {
            // Tallyfy's 404 shape (TALLYFY-API.md, "Errors"): a missing thing, here the organization the path names.
            await RespondAsync(http, email, 404, new { error = true, message = "Organization not found.", code = "RESOURCE_NOT_FOUND" });
            return false;
        }

        if (TakeFalseSuccess(http, applied: false))
        {
            await RespondFalseSuccessAsync(http, email, applied: false);
            return false;
        }

        return true;
    }

    /// <summary>Records the request and answers it; <paramref name="body"/> <c>null</c> answers none (a 204).</summary>
    private async Task RespondAsync(HttpContext http, string? email, int status, object? body, bool applied = false)
    {
        state.Requests.Enqueue(new ReceivedRequest(timeProvider.GetUtcNow(), http.Request.Method, http.Request.Path, email, status, applied) { RequestId = http.Response.Headers["X-Request-Id"] });
        http.Response.StatusCode = status;
        foreach (var (name, value) in options.AnswerHeaders)
        {
            http.Response.Headers[name] = value;
        }

        if (body is null)
        {
            return;
        }

        try
        {
            await http.Response.WriteAsJsonAsync(body, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away; what happened is recorded already.
        }
    }

    /// <summary>
    /// Answers a write that was applied; now and then (<see cref="SandboxOptions.LostResponseRate"/>) the
    /// answer is lost on the way back, for every write alike: POST, PUT and DELETE.
    /// </summary>
    private async Task RespondAppliedAsync(HttpContext http, string? email, int status, object? body)
    {
        if (TakeFalseSuccess(http, applied: true))
        {
            await RespondFalseSuccessAsync(http, email, applied: true);
            return;
        }

        if (Roll(options.LostResponseRate))
        {
            if (Roll(0.5))
            {
                await RespondAsync(http, email, 502, new { message = "Bad Gateway" }, applied: true);
            }
            else
            {
                Drop(http, email, applied: true);
            }

            return;
        }

        await RespondAsync(http, email, status, body, applied: true);
    }

    private void Drop(HttpContext http, string? email, bool applied)
    {
        state.Requests.Enqueue(new ReceivedRequest(timeProvider.GetUtcNow(), http.Request.Method, http.Request.Path, email, 0, applied) { RequestId = http.Response.Headers["X-Request-Id"] });
        http.Abort();
    }

    private bool Roll(double probability)
    {
        if (probability <= 0)
        {
            return false;
        }

        lock (_diceLock)
        {
            return _random.NextDouble() < probability;
        }
    }

    private static object Taken(string message) => new { message = "The given data was invalid.", errors = new { email = new[] { message } } };

    private static Dictionary<string, string?> Fields(JsonElement body) =>
        body.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());
}
