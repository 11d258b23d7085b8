using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace BulkOnboard.Sandbox;

/// <summary>A process ("run") launched from a template, its kick-off values as stored (field id → value).</summary>
/// <param name="Status"><c>active</c> or <c>archived</c>.</param>
public sealed record SandboxProcess(string Id, string Name, string ChecklistId, IReadOnlyDictionary<string, JsonNode?> Prerun, string Status, DateTimeOffset CreatedAt)
{
    public string? Summary { get; init; }
}

/// <summary>Templates and processes: what tests read to count launches and check what was stored.</summary>
public sealed partial class SandboxState
{
    /// <summary>Templates by id.</summary>
    public ConcurrentDictionary<string, SandboxTemplate> Templates { get; } = new(StringComparer.Ordinal);

    /// <summary>Processes by id.</summary>
    public ConcurrentDictionary<string, SandboxProcess> Processes { get; } = new(StringComparer.Ordinal);

    /// <summary>The processes launched from this template, oldest first.</summary>
    public List<SandboxProcess> ProcessesOf(string templateId) =>
        [.. Processes.Values.Where(p => p.ChecklistId == templateId).OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal)];

    /// <summary>The tasks (steps) of this process, in the template's step order.</summary>
    public List<SandboxTask> TasksOfProcess(string processId) =>
        [.. Tasks.Values.Where(t => t.RunId == processId).OrderBy(t => t.Id, StringComparer.Ordinal)];

    /// <summary>Stores a launched process and one task for each of its steps, as one change.</summary>
    internal void AddProcess(SandboxProcess process, IEnumerable<SandboxTask> steps)
    {
        lock (TaskLock)
        {
            foreach (var step in steps)
            {
                var id = NextTaskId();
                Tasks[id] = step with { Id = id, RunId = process.Id };
            }

            Processes[process.Id] = process;
        }
    }

    /// <summary>Archives (<paramref name="archived"/>) or restores a process and its tasks; <c>null</c> for no such process.</summary>
    internal SandboxProcess? SetArchived(string processId, bool archived)
    {
        lock (TaskLock)
        {
            if (!Processes.TryGetValue(processId, out var process))
            {
                return null;
            }

            foreach (var task in Tasks.Values.Where(t => t.RunId == processId).ToList())
            {
                Tasks[task.Id] = task with { Archived = archived };
            }

            process = process with { Status = archived ? "archived" : "active" };
            Processes[processId] = process;
            return process;
        }
    }
}
