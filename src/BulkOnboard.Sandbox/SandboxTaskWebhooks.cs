using System.Globalization;
using System.Net.Http.Json;

namespace BulkOnboard.Sandbox;

/// <summary>One task webhook, once it is finished: <paramref name="Outcome"/> is the HTTP status answered, <c>failed</c> (no answer) or <c>dropped</c> (never sent).</summary>
public sealed record SandboxWebhookAttempt(string TaskId, string Event, string Url, string Outcome);

/// <summary>
/// A task's webhook as Tallyfy sends it: one POST when the task is completed or reopened, never retried, unsigned, with
/// only <c>X-Tallyfy-orgID</c> to check; fire-and-forget with a short timeout, a failure ignored.
/// <see cref="SandboxOptions.DropWebhooks"/> sends none.
/// </summary>
internal sealed class SandboxTaskWebhooks(SandboxOptions options, SandboxState state) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Lock _lock = new();
    private readonly List<Task> _inFlight = [];

    /// <summary>Sends (in the background) the webhook of <paramref name="task"/>, when it has one, for <paramref name="change"/>.</summary>
    public void Send(SandboxTask task, string change)
    {
        if (task.Webhook is not { Length: > 0 } url)
        {
            return;
        }

        if (options.DropWebhooks)
        {
            state.WebhookAttempts.Enqueue(new SandboxWebhookAttempt(task.Id, change, url, "dropped"));
            return;
        }

        // The task as GET /tasks/{id} shows it, with what happened and the organization.
        var body = SandboxApi.TaskJson(task, withFormFields: false);
        body["event"] = "task." + change;
        body["organization_id"] = options.OrganizationId;
        var sending = Task.Run(async () =>
        {
            string outcome;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
                request.Headers.TryAddWithoutValidation("X-Tallyfy-orgID", options.OrganizationId);
                using var response = await _http.SendAsync(request);
                outcome = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or ObjectDisposedException)
            {
                outcome = "failed";
            }

            state.WebhookAttempts.Enqueue(new SandboxWebhookAttempt(task.Id, change, url, outcome));
        });
        lock (_lock)
        {
            _inFlight.RemoveAll(t => t.IsCompleted);
            _inFlight.Add(sending);
        }
    }

    /// <summary>Completes when every webhook sent so far is finished (answered, failed or timed out).</summary>
    public Task WhenSentAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll(_inFlight.ToList());
        }
    }

    public void Dispose() => _http.Dispose();
}
