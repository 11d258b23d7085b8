using System.Collections.Concurrent;

namespace BulkOnboard.Sandbox;

/// <summary>Why a completion or a reopen was refused (the API answers each with its status).</summary>
internal enum TaskChangeRefusal
{
    None,

    /// <summary>No such task on that path (404).</summary>
    NotFound,

    /// <summary>Completed or archived already, or reopened while not completed (422).</summary>
    WrongStatus,

    /// <summary>An approval completed without <c>is_approved</c> (422).</summary>
    NeedsDecision,

    /// <summary><c>can_complete_only_assignees</c> and the completer is not one (403).</summary>
    NotAssignee,
}

/// <summary>
/// One-off tasks, approvals, completion and reopen, comments: the one place each change is made, and the task
/// webhook it fires (TALLYFY-API.md, "Tasks and approvals"). Tests complete and reopen as a member would in the web app.
/// </summary>
public sealed partial class SandboxState
{
    /// <summary>The clock completions are stamped with: the system clock, as the server's own.</summary>
    internal TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Sends the task webhooks; <c>null</c> (a state outside a server) sends none.</summary>
    internal SandboxTaskWebhooks? Webhooks { get; set; }

    /// <summary>The comments on each task (by task id), their content in the order received.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> Comments { get; } = new(StringComparer.Ordinal);

    /// <summary>Every task webhook the sandbox sent, or dropped (<see cref="SandboxOptions.DropWebhooks"/>), once finished.</summary>
    public ConcurrentQueue<SandboxWebhookAttempt> WebhookAttempts { get; } = new();

    /// <summary>The user the API token acts as (<c>GET /me</c>): the default administrator, or user 1 when there is none.</summary>
    public SandboxPerson TokenUser => DefaultAdmin ?? FallbackTokenUser;

    private static readonly SandboxPerson FallbackTokenUser = new("1", "member", "owner@sandbox.example",
        new Dictionary<string, string?> { ["role"] = "admin", ["status"] = "active" }, DateTimeOffset.UnixEpoch);

    /// <summary>Completes when every task webhook sent so far is finished (answered, failed or timed out); each is then in <see cref="WebhookAttempts"/>.</summary>
    public Task WhenWebhooksSentAsync() => Webhooks?.WhenSentAsync() ?? Task.CompletedTask;

    /// <summary>The comments on this task, in the order received.</summary>
    public List<string> CommentsOn(string taskId) => Comments.TryGetValue(taskId, out var comments) ? [.. comments] : [];

    /// <summary>Completes the task as the member <paramref name="completerId"/> would in the web app (fires its webhook); throws when it is not open.</summary>
    public SandboxTask CompleteTask(string taskId, long completerId, bool? approved, IReadOnlyDictionary<string, string>? formValues = null)
    {
        var values = formValues?.ToDictionary(v => v.Key, v => (string?)v.Value);
        var (task, refusal) = Complete(taskId, Tasks.TryGetValue(taskId, out var found) ? found.RunId : null, completerId, approved, values, checkAssignees: false, onBehalfBy: null);
        return refusal == TaskChangeRefusal.None ? task! : throw new InvalidOperationException($"Task {taskId} cannot be completed: {refusal}.");
    }

    /// <summary>Reopens a completed task as a member would in the web app (fires its webhook); throws when it is not completed.</summary>
    public SandboxTask ReopenTask(string taskId)
    {
        var (task, refusal) = Reopen(taskId, Tasks.TryGetValue(taskId, out var found) ? found.RunId : null);
        return refusal == TaskChangeRefusal.None ? task! : throw new InvalidOperationException($"Task {taskId} cannot be reopened: {refusal}.");
    }

    /// <summary>Adds a comment to the task; returns the comment's id.</summary>
    internal long AddComment(string taskId, string content)
    {
        Comments.GetOrAdd(taskId, _ => new ConcurrentQueue<string>()).Enqueue(content);
        return Interlocked.Increment(ref _nextCommentId);
    }

    private long _nextCommentId;

    /// <summary>Stores a new one-off task (its id given here).</summary>
    internal SandboxTask AddTask(SandboxTask task)
    {
        var added = task with { Id = NextTaskId() };
        Tasks[added.Id] = added;
        return added;
    }

    /// <summary>
    /// Completes task <paramref name="id"/> found by its own path (<paramref name="runId"/> <c>null</c> for a one-off task) as
    /// <paramref name="completerId"/>: status, decision, completer, time and form values as one change, then its webhook.
    /// </summary>
    internal (SandboxTask? Task, TaskChangeRefusal Refusal) Complete(string id, string? runId, long completerId, bool? approved,
        IReadOnlyDictionary<string, string?>? values, bool checkAssignees, long? onBehalfBy)
    {
        SandboxTask completed;
        lock (TaskLock)
        {
            if (!Tasks.TryGetValue(id, out var task) || task.RunId != runId)
            {
                return (null, TaskChangeRefusal.NotFound);
            }

            if (!task.IsOpen)
            {
                return (task, TaskChangeRefusal.WrongStatus);
            }

            if (task.TaskType == "approval" && approved is null)
            {
                return (task, TaskChangeRefusal.NeedsDecision);
            }

            if (checkAssignees && task.CanCompleteOnlyAssignees && !IsAssignee(task, completerId))
            {
                return (task, TaskChangeRefusal.NotAssignee);
            }

            completed = task with
            {
                Status = "completed",
                IsApproved = task.TaskType == "approval" ? approved : null,
                CompleterId = completerId,
                CompletedAt = Clock.GetUtcNow(),
                CompletedOnBehalfBy = onBehalfBy,
                FormFields = [.. task.FormFields.Select(f => values is not null && values.TryGetValue(f.Id, out var value) ? f with { Value = value } : f)],
            };
            Tasks[id] = completed;
        }

        Webhooks?.Send(completed, "completed");
        return (completed, TaskChangeRefusal.None);
    }

    /// <summary>Reopens a completed task: open again, its decision, completer and time cleared (form values kept), then its webhook.</summary>
    internal (SandboxTask? Task, TaskChangeRefusal Refusal) Reopen(string id, string? runId)
    {
        SandboxTask reopened;
        lock (TaskLock)
        {
            if (!Tasks.TryGetValue(id, out var task) || task.RunId != runId)
            {
                return (null, TaskChangeRefusal.NotFound);
            }

            if (task.Status != "completed" || task.Archived)
            {
                return (task, TaskChangeRefusal.WrongStatus);
            }

            reopened = task with { Status = "not-started", IsApproved = null, CompleterId = null, CompletedAt = null, CompletedOnBehalfBy = null };
            Tasks[id] = reopened;
        }

        Webhooks?.Send(reopened, "reopened");
        return (reopened, TaskChangeRefusal.None);
    }

    /// <summary>Archives a one-off task (<c>DELETE /tasks/{id}</c>; again is no change); <c>null</c> for no such one-off task.</summary>
    internal SandboxTask? ArchiveTask(string id)
    {
        lock (TaskLock)
        {
            if (!Tasks.TryGetValue(id, out var task) || task.RunId is not null)
            {
                return null;
            }

            var archived = task with { Archived = true };
            Tasks[id] = archived;
            return archived;
        }
    }

    /// <summary>Whether the member is one of the task's assignees, by id or through one of its groups.</summary>
    private bool IsAssignee(SandboxTask task, long memberId) =>
        task.Users.Contains(memberId) || task.Groups.Any(g => Groups.TryGetValue(g, out var group) && group.Members.Contains(memberId));
}
