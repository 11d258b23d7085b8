using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BulkOnboard.Plan;

namespace BulkOnboard.Delivery;

/// <summary>Templates and processes (TALLYFY-API.md, "Templates and processes"): what an onboarding journey reads and launches.</summary>
internal sealed partial class TallyfyClient
{
    /// <summary>One page of <c>GET /organizations/{org}/checklists?q=</c>: templates whose title holds <paramref name="query"/>.</summary>
    public Task<ApiResponse> ListTemplatesAsync(string query, int page, int perPage, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"organizations/{_organizationId}/checklists?q={Uri.EscapeDataString(query)}&page={page}&per_page={perPage}"), cancellationToken);

    /// <summary><c>GET /organizations/{org}/checklists/{id}?with=steps</c>: the template's kick-off fields, and its steps (sent only when asked).</summary>
    public Task<ApiResponse> GetTemplateAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"organizations/{_organizationId}/checklists/{Uri.EscapeDataString(id)}?with=steps"), cancellationToken);

    /// <summary><c>POST /organizations/{org}/runs</c>: launches a process (no idempotency key: a lost answer may have launched it).</summary>
    public Task<ApiResponse> LaunchProcessAsync(LaunchRequest launch, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"organizations/{_organizationId}/runs") { Content = JsonContent.Create(LaunchBody(launch), options: Json) },
            cancellationToken, expected: AnswerShape.Record);

    /// <summary>One page of <c>GET /organizations/{org}/runs?checklist_id=&amp;q=</c>: the template's processes whose name holds <paramref name="query"/>.</summary>
    public Task<ApiResponse> FindProcessesAsync(string templateId, string query, int page, int perPage, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get,
            $"organizations/{_organizationId}/runs?checklist_id={Uri.EscapeDataString(templateId)}&q={Uri.EscapeDataString(query)}&page={page}&per_page={perPage}"), cancellationToken);

    /// <summary><c>GET /organizations/{org}/runs/{id}</c>: the process with its kick-off values as Tallyfy stored them.</summary>
    public Task<ApiResponse> GetProcessAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"organizations/{_organizationId}/runs/{Uri.EscapeDataString(id)}"), cancellationToken);

    /// <summary>The body of <c>POST /runs</c>: kick-off values by field id, steps' owners (and deadlines) by step id.</summary>
    internal static JsonObject LaunchBody(LaunchRequest launch)
    {
        var prerun = new JsonObject();
        foreach (var (id, value) in launch.Prerun)
        {
            prerun[id] = value.DeepClone();
        }

        var tasks = new JsonObject();
        foreach (var (step, owners) in launch.Tasks)
        {
            // A step given only a deadline keeps the template's assignees: owners would replace them.
            var task = new JsonObject();
            if (owners.Users.Count + owners.Guests.Count + owners.Groups.Count > 0)
            {
                task["owners"] = new JsonObject
                {
                    ["users"] = new JsonArray([.. owners.Users.Select(u => (JsonNode?)(long.TryParse(u, out var n) ? JsonValue.Create(n) : JsonValue.Create(u)))]),
                    ["guests"] = new JsonArray([.. owners.Guests.Select(g => (JsonNode?)JsonValue.Create(g))]),
                    ["groups"] = new JsonArray([.. owners.Groups.Select(g => (JsonNode?)JsonValue.Create(g))]),
                };
            }
            if (owners.Deadline is { } deadline)
            {
                task["deadline"] = deadline.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            }

            tasks[step] = task;
        }

        return new JsonObject { ["checklist_id"] = launch.TemplateId, ["name"] = launch.ProcessName, ["prerun"] = prerun, ["tasks"] = tasks };
    }
}
