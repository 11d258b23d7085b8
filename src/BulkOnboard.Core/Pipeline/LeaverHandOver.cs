using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>
/// Carries out one leaver action with its hand-over, for every path that has one (sync's apply, a dated leaver
/// coming due): a member deactivated with <c>with_reassignment=true&amp;to=</c> the successor; a guest's open tasks
/// each read, given to the successor with every other assignee kept (<c>owners</c> replaces the lists), then the
/// guest removed. The action settled by reading back (<see cref="LeaverSettlement"/>), then the leaver's open tasks
/// read again: the line says none are left, or how many remain. Who the successor is, <see cref="HandOver"/> decides.
/// Two guests of one batch may share a task: each read-change-write of a task holds that task (<see cref="TaskLocks"/>),
/// so neither writes back the other's old list. A member's deactivation (Tallyfy hands the tasks over itself) must not
/// fall between a guest's read and write of a shared task either: callers carry out members' deactivations after the
/// guests (<see cref="GuestsFirst"/>).
/// </summary>
internal static class LeaverHandOver
{
    /// <summary>One lock per task for a run's read-change-writes of task owners.</summary>
    internal sealed class TaskLocks
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

        public async Task<IDisposable> TakeAsync(string taskId, CancellationToken cancellationToken)
        {
            var gate = _locks.GetOrAdd(taskId, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken);
            return new Release(gate);
        }

        private sealed class Release(SemaphoreSlim gate) : IDisposable
        {
            private int _released;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _released, 1) == 0)
                {
                    gate.Release();
                }
            }
        }
    }

    /// <summary>
    /// Carries out a batch of changes through <paramref name="run"/> (<see cref="ChangeLanes"/>) with guest leavers
    /// first in their lane, and each member's deactivation waiting only until every guest leaver of the batch is done
    /// (a deactivation hands a member's tasks over inside Tallyfy, which a guest's read-change-write of a shared task
    /// begun before it would undo); never behind joiners or movers (a guest create held an hour by Tallyfy's cap).
    /// </summary>
    /// <remarks>
    /// Guest leavers come before the rest of their lane, so a worker waiting on the signal only ever waits for guest
    /// leavers other workers already carry out.
    /// </remarks>
    public static Task GuestsFirst<T>(IReadOnlyList<T> changes, Func<T, bool> isGuestLeaver, Func<T, bool> isDeactivation,
        Func<IReadOnlyList<T>, Func<T, Task>, Task> run, Func<T, Task> carryOut)
    {
        var guests = changes.Where(isGuestLeaver).ToList();
        var left = guests.Count;
        var guestsDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (left == 0)
        {
            guestsDone.SetResult();
        }

        return run([.. guests, .. changes.Where(c => !isGuestLeaver(c))], async change =>
        {
            if (isGuestLeaver(change))
            {
                try
                {
                    await carryOut(change);
                }
                finally
                {
                    if (Interlocked.Decrement(ref left) == 0)
                    {
                        guestsDone.SetResult();
                    }
                }

                return;
            }

            if (isDeactivation(change))
            {
                await guestsDone.Task;
            }

            await carryOut(change);
        });
    }

    /// <param name="guestList">The guest's id for their own task list (Tallyfy addresses it by id only; without one, the org-wide listing by email).</param>
    public static async Task<(DeliveryResult Delivery, LeaverState State)> CarryOutAsync(PersonKind kind, string email, string? memberId, string? guestList,
        Successor? successor, RowSender sender, RunControl control, TaskLocks locks)
    {
        var handedOver = string.Empty;
        DeliveryResult delivery;
        if (kind == PersonKind.Member)
        {
            delivery = await sender.DeactivateAsync(memberId!, successor?.Id, control.StopSending, control.HardStop);
        }
        else
        {
            var moved = successor is null ? (Moved: 0, Problem: (string?)null) : await MoveGuestTasksAsync(email, guestList, successor, sender, control, locks);
            if (moved.Problem is { } problem)
            {
                return (new DeliveryResult(Outcome.Failed, null, null, 0, null, $"not removed: {problem}"), LeaverState.NotApplied);
            }

            handedOver = moved.Moved > 0 ? $"{moved.Moved} open tasks handed to {successor!.Email}" : string.Empty;
            delivery = await sender.RemoveGuestAsync(email, control.StopSending, control.HardStop);
        }

        var (settled, state) = await LeaverSettlement.SettleAsync(sender, kind, email, memberId, delivery, control.StopSending, control.HardStop);
        if (state != LeaverState.Applied || control.IsStopping)
        {
            return (settled, state);
        }

        // Read back: what the leaver still holds.
        var (left, failure) = await sender.ListOpenTasksAsync(kind == PersonKind.Member ? memberId : null, kind == PersonKind.Guest ? email : null, null, control.StopSending, control.HardStop);
        var after = left switch
        {
            null => $"their open tasks could not be read back ({failure})",
            { Count: 0 } => "read back: 0 incomplete tasks left on them",
            _ => $"read back: {left.Count} incomplete tasks remain on them",
        };
        return (settled with { Message = string.Join("; ", new[] { settled.Message, handedOver, after }.Where(m => !string.IsNullOrEmpty(m))) }, state);
    }

    /// <summary>Each open task of the guest read, the successor added and the guest taken off, every other assignee kept; how many moved, or what stopped it.</summary>
    private static async Task<(int Moved, string? Problem)> MoveGuestTasksAsync(string email, string? guestList, Successor successor, RowSender sender, RunControl control, TaskLocks locks)
    {
        var (tasks, failure) = await sender.ListOpenTasksAsync(null, email, guestList, control.StopSending, control.HardStop);
        if (tasks is null)
        {
            return (0, failure);
        }

        var successorId = successor.IsGuest ? 0 : long.Parse(successor.Id, System.Globalization.CultureInfo.InvariantCulture);
        var moved = 0;
        foreach (var listed in tasks)
        {
            if (control.IsStopping)
            {
                return (moved, $"the run stopped after {moved} of {tasks.Count} open tasks were handed to {successor.Email}");
            }

            using var held = await locks.TakeAsync(listed.Id, control.HardStop);
            var (task, why) = await sender.ReadTaskAsync(listed.Id, control.StopSending, control.HardStop);
            if (task is null)
            {
                return (moved, $"task {listed.Id} could not be read ({why}); {moved} of {tasks.Count} open tasks were handed to {successor.Email}");
            }

            if (!task.ShowsOwners)
            {
                return (moved, $"task {listed.Id} was not written: Tallyfy's answer does not show all of its owners (users, guests and groups), and a write replaces them all; {moved} of {tasks.Count} open tasks were handed to {successor.Email}");
            }

            if (!task.IsOpen || !task.Guests.Contains(email, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var users = successor.IsGuest || task.Users.Contains(successorId) ? task.Users : [.. task.Users, successorId];
            var guests = task.Guests.Where(g => !string.Equals(g, email, StringComparison.OrdinalIgnoreCase)).ToList();
            if (successor.IsGuest && !guests.Contains(successor.Email, StringComparer.OrdinalIgnoreCase))
            {
                guests.Add(successor.Email);
            }
            var written = await sender.UpdateTaskOwnersAsync(task, users, guests, control.StopSending, control.HardStop);
            if (written.Outcome == Outcome.Skipped)
            {
                // Completed meanwhile: no longer open, nothing to hand over.
                continue;
            }

            if (written.Outcome != Outcome.Updated)
            {
                return (moved, $"task {task.Id} could not be handed to {successor.Email} ({written.Message ?? written.Outcome.ToString()}); {moved} of {tasks.Count} open tasks were");
            }

            moved++;
        }

        return (moved, null);
    }
}
