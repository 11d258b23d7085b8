namespace BulkOnboard.Plan;

/// <summary>
/// A task as Tallyfy lists it: its assignees (<c>owners</c>: members by id, guests by email, groups by id).
/// <see cref="ShowsOwners"/> is false when the answer's owners could not be read whole (a list among users, guests
/// and groups not shown, or an entry without its id or email): such a task is never
/// written back (its <c>owners</c> replace the assignees, so a list read in part would drop someone).
/// </summary>
internal sealed record ListedTask(string Id, string? Title, string? Status, IReadOnlyList<long> Users, IReadOnlyList<string> Guests, IReadOnlyList<string> Groups)
{
    public bool ShowsOwners { get; init; } = true;

    /// <summary>The process (run) the task is a step of, or <c>null</c> for a one-off task: its owners are written through the run's path.</summary>
    public string? RunId { get; init; }

    /// <summary>Not completed: Tallyfy's <c>status</c> is anything but <c>completed</c>/<c>complete</c>.</summary>
    public bool IsOpen => Status is not ("completed" or "complete");
}
