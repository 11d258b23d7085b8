using System.Collections.Concurrent;

namespace BulkOnboard.Sandbox;

/// <summary>
/// A task in Tallyfy: its assignees (<c>owners</c>: members by id, guests by email) and whether it is done.
/// </summary>
/// <param name="Status"><c>not-started</c> (open) or <c>completed</c>; an archived task reads <c>archived</c> (<see cref="Archived"/>).</param>
public sealed record SandboxTask(string Id, string Title, string Status, IReadOnlyList<long> Users, IReadOnlyList<string> Guests)
{
    /// <summary>The process (run) the task is a step of, or <c>null</c> for a one-off task.</summary>
    public string? RunId { get; init; }

    /// <summary>The template step this task was made from, for a step of a process.</summary>
    public string? StepId { get; init; }

    /// <summary>Assigned groups, by id.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Its deadline as the launch gave it, if it did.</summary>
    public string? Deadline { get; init; }

    /// <summary>Whether it is archived (a one-off task by <c>DELETE /tasks/{id}</c>, a step with its process): out of the listings, neither open nor done.</summary>
    public bool Archived { get; init; }

    /// <summary><c>task</c>, <c>approval</c>, <c>expiring</c>, <c>email</c> or <c>expiring_email</c>.</summary>
    public string TaskType { get; init; } = "task";

    public string? Summary { get; init; }

    /// <summary>Its form fields, each with the value it holds now.</summary>
    public IReadOnlyList<SandboxFormField> FormFields { get; init; } = [];

    /// <summary>Whether only its assignees (by id, or through a group) may complete it.</summary>
    public bool CanCompleteOnlyAssignees { get; init; }

    public bool EveryoneMustComplete { get; init; }

    /// <summary>Where Tallyfy POSTs once when it is completed or reopened, if anywhere.</summary>
    public string? Webhook { get; init; }

    /// <summary>An approval's decision once completed; <c>null</c> while open (and for other types).</summary>
    public bool? IsApproved { get; init; }

    /// <summary>Who is recorded as having completed it: the token's user, the <c>override_user</c>, or the member who did it in the web app.</summary>
    public long? CompleterId { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>
    /// When the completion was made through the API with <c>override_user</c>: the token's own user, who really
    /// made it (Tallyfy shows only <see cref="CompleterId"/>). Tests read it; the API never shows it.
    /// </summary>
    public long? CompletedOnBehalfBy { get; init; }

    /// <summary>What <c>status</c> says: <c>archived</c> for an archived task, else <see cref="Status"/>.</summary>
    public string ShownStatus => Archived ? "archived" : Status;

    public bool IsOpen => Status != "completed" && !Archived;

    /// <summary>Whether the member with this id or the guest with this email is one of its assignees.</summary>
    public bool IsOwnedBy(string who) =>
        long.TryParse(who, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var id) && Users.Contains(id)
        || Guests.Contains(who, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A one-off task's form field and the value it holds (<c>null</c> until one is given).</summary>
public sealed record SandboxFormField(string Id, string Label, string FieldType, bool Required, IReadOnlyList<string> Options, string? Value = null);

/// <summary>Tasks: what tests seed and read, and the one lock every change of ownership takes.</summary>
public sealed partial class SandboxState
{
    private int _nextTaskId;

    /// <summary>Tasks by id.</summary>
    public ConcurrentDictionary<string, SandboxTask> Tasks { get; } = new(StringComparer.Ordinal);

    /// <summary>Held by every change of who owns a task (a deactivation's hand-over, a guest's removal, a task's update), so each is whole.</summary>
    internal Lock TaskLock { get; } = new();

    /// <summary>Seeds a task assigned to these members (ids) and guests (emails), a step of process <paramref name="runId"/> when given; returns it.</summary>
    public SandboxTask SeedTask(string title, IEnumerable<string> memberIds, IEnumerable<string>? guestEmails = null, bool completed = false, string? runId = null)
    {
        var id = NextTaskId();
        var task = new SandboxTask(id, title, completed ? "completed" : "not-started",
            [.. memberIds.Select(m => long.Parse(m, System.Globalization.CultureInfo.InvariantCulture))], [.. guestEmails ?? []]) { RunId = runId };
        Tasks[id] = task;
        return task;
    }

    private string NextTaskId() => "task" + Interlocked.Increment(ref _nextTaskId).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The open tasks the member (by id) or guest (by email) is assigned to, in id order.</summary>
    public List<SandboxTask> OpenTasksOf(string memberIdOrGuestEmail) =>
        [.. Tasks.Values.Where(t => t.IsOpen && t.IsOwnedBy(memberIdOrGuestEmail)).OrderBy(t => t.Id, StringComparer.Ordinal)];

    /// <summary>
    /// Tallyfy's hand-over on deactivation: every open task of <paramref name="leaverId"/> goes to <paramref name="toId"/>
    /// (the leaver taken off, the other assignees kept). Completed tasks keep who did them.
    /// </summary>
    internal int HandOver(long leaverId, long toId)
    {
        lock (TaskLock)
        {
            var moved = 0;
            foreach (var task in Tasks.Values.Where(t => t.IsOpen && t.Users.Contains(leaverId)).ToList())
            {
                Tasks[task.Id] = task with { Users = [.. task.Users.Where(u => u != leaverId).Append(toId).Distinct()] };
                moved++;
            }

            return moved;
        }
    }
}
