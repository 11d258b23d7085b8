using System.Text.Json.Nodes;

namespace BulkOnboard.Delivery;

/// <summary>
/// The approval task's requests (TALLYFY-API.md, "Tasks and approvals"): created once (never sent again blind after a
/// lost answer), read, commented (Tallyfy caps comments at 120 an hour: a comment held by the cap is not waited for),
/// archived. Through the same attempts and gate as every request.
/// </summary>
internal sealed class ApprovalCalls(AttemptLoop attempts, TimeProvider timeProvider)
{
    /// <summary>How long a comment may wait for the gate (a cap's hold is an hour): past it, it is kept for the next read.</summary>
    private static readonly TimeSpan CommentPatience = TimeSpan.FromSeconds(20);

    /// <summary><c>POST /tasks</c>: the task's id, or why there is none (and whether it may exist without our knowing its id).</summary>
    public async Task<(string? Id, string? Failure, bool MaybeCreated)> CreateAsync(JsonObject body, CancellationToken stop)
    {
        var tries = new RowAttempts();
        var sent = await attempts.RunAsync(RequestScope.Write, (client, ct) => client.CreateTaskAsync(body, ct), tries, stop, stop, resendUnanswered: false);
        if (sent is { End: DispatchEnd.Answered, Verdict.Kind: ApiVerdictKind.Succeeded } && sent.Response is { } answer && ApprovalTask.Parse(answer.RawBody) is { } task)
        {
            return (task.Id, null, false);
        }

        return (null, sent.End == DispatchEnd.Answered ? sent.Verdict.Message ?? $"HTTP {sent.Verdict.Status}" : sent.Message ?? "the run stopped", tries.MaybeApplied || sent.Verdict.MaybeApplied);
    }

    /// <summary><c>GET /tasks/{id}?with=form_fields</c>: the task, <c>Gone</c> when Tallyfy has none, or why it could not be read.</summary>
    public async Task<(ApprovalTask? Task, bool Gone, string? Failure)> ReadAsync(string id, CancellationToken stop)
    {
        var sent = await attempts.RunAsync(RequestScope.Read, (client, ct) => client.GetTaskWithFormAsync(id, ct), new RowAttempts(), stop, stop);
        if (sent is { End: DispatchEnd.Answered, Verdict.Status: 404 })
        {
            return (null, true, null);
        }

        if (sent.Response is not { Status: >= 200 and < 300 } response)
        {
            return (null, false, sent.End == DispatchEnd.Answered ? sent.Verdict.Message ?? $"HTTP {sent.Verdict.Status}" : sent.Message ?? "the run stopped");
        }

        return ApprovalTask.Parse(response.RawBody) is { } task ? (task, false, null) : (null, false, "Tallyfy's answer is not a task");
    }

    /// <summary><c>GET /me</c>: BulkOnboard's own user's id (whose completions never count), or <c>null</c>.</summary>
    public async Task<string?> MeAsync(CancellationToken stop)
    {
        var sent = await attempts.RunAsync(RequestScope.Read, (client, ct) => client.GetMeAsync(ct), new RowAttempts(), stop, stop);
        if (sent.Response is not { Status: >= 200 and < 300 } response)
        {
            return null;
        }

        try
        {
            return (JsonNode.Parse(response.RawBody) as JsonObject)?["data"]?["id"] is JsonValue id ? id.ToJsonString().Trim('"') : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A comment on the task; <c>false</c> when it could not go now (Tallyfy's comment cap, no answer): kept for the next read.</summary>
    public async Task<bool> CommentAsync(string taskId, string content, CancellationToken stop)
    {
        using var patience = new CancellationTokenSource(CommentPatience, timeProvider);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, patience.Token);
        var sent = await attempts.RunAsync(RequestScope.Comment, (client, ct) => client.CommentAsync(taskId, content, ct), new RowAttempts(), either.Token, stop, resendUnanswered: false);
        return sent is { End: DispatchEnd.Answered, Verdict.Kind: ApiVerdictKind.Succeeded };
    }

    /// <summary><c>DELETE /tasks/{id}</c>: archives the task; whether Tallyfy did (or has no such task).</summary>
    public async Task<bool> ArchiveAsync(string taskId, CancellationToken stop)
    {
        var sent = await attempts.RunAsync(RequestScope.Write, (client, ct) => client.ArchiveTaskAsync(taskId, ct), new RowAttempts(), stop, stop);
        return sent is { End: DispatchEnd.Answered } && (sent.Verdict.Kind == ApiVerdictKind.Succeeded || sent.Verdict.Status == 404);
    }
}
