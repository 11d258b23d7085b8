using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BulkOnboard.Delivery;

/// <summary>One-off tasks, approvals and comments (TALLYFY-API.md, "Tasks and approvals"): what an approval inside Tallyfy needs.</summary>
internal sealed partial class TallyfyClient
{
    /// <summary><c>POST /organizations/{org}/tasks</c>: a one-off task (an approval: <c>task_type: approval</c>).</summary>
    public Task<ApiResponse> CreateTaskAsync(JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"organizations/{_organizationId}/tasks") { Content = JsonContent.Create(body, options: Json) },
            cancellationToken, expected: AnswerShape.Record);

    /// <summary><c>GET /organizations/{org}/tasks/{id}?with=form_fields</c>: the task as it stands, with its form's values.</summary>
    public Task<ApiResponse> GetTaskWithFormAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"organizations/{_organizationId}/tasks/{Uri.EscapeDataString(id)}?with=form_fields"), cancellationToken);

    /// <summary><c>POST /organizations/{org}/tasks/{id}/comment</c> (capped at 120 an hour per organization).</summary>
    public Task<ApiResponse> CommentAsync(string taskId, string content, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"organizations/{_organizationId}/tasks/{Uri.EscapeDataString(taskId)}/comment")
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["content"] = content }, options: Json),
        }, cancellationToken, expected: AnswerShape.Acknowledgement);

    /// <summary><c>DELETE /organizations/{org}/tasks/{id}</c>: archives a one-off task.</summary>
    public Task<ApiResponse> ArchiveTaskAsync(string taskId, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, $"organizations/{_organizationId}/tasks/{Uri.EscapeDataString(taskId)}"), cancellationToken,
            expected: AnswerShape.Acknowledgement);
}
