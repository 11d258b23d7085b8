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
/// </summary>
internal static class LeaverHandOver
{
    /// <param name="guestList">The guest's id for their own task list (else their email).</param>
    public static async Task<(DeliveryResult Delivery, LeaverState State)> CarryOutAsync(PersonKind kind, string email, string? memberId, string? guestList,
        Successor? successor, RowSender sender, RunControl control)
    {
        var handedOver = string.Empty;
        DeliveryResult delivery;
        if (kind == PersonKind.Member)
        {
            delivery = await sender.DeactivateAsync(memberId!, successor?.Id, control.StopSending, control.HardStop);
        }
        else
        {
            var moved = successor is null ? (Moved: 0, Problem: (string?)null) : await MoveGuestTasksAsync(email, guestList, successor, sender, control);
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
    private static async Task<(int Moved, string? Problem)> MoveGuestTasksAsync(string email, string? guestList, Successor successor, RowSender sender, RunControl control)
    {
        var (tasks, failure) = await sender.ListOpenTasksAsync(null, email, guestList ?? email, control.StopSending, control.HardStop);
        if (tasks is null)
        {
            return (0, failure);
        }

        var successorId = long.Parse(successor.Id, System.Globalization.CultureInfo.InvariantCulture);
        var moved = 0;
        foreach (var listed in tasks)
        {
            if (control.IsStopping)
            {
                return (moved, $"the run stopped after {moved} of {tasks.Count} open tasks were handed to {successor.Email}");
            }

            var (task, why) = await sender.ReadTaskAsync(listed.Id, control.StopSending, control.HardStop);
            if (task is null || !task.ShowsOwners)
            {
                return (moved, $"task {listed.Id} could not be read whole ({why ?? "its owners are not all readable"}); {moved} of {tasks.Count} open tasks were handed to {successor.Email}");
            }

            if (!task.IsOpen || !task.Guests.Contains(email, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var users = task.Users.Contains(successorId) ? task.Users : [.. task.Users, successorId];
            var guests = task.Guests.Where(g => !string.Equals(g, email, StringComparison.OrdinalIgnoreCase)).ToList();
            var written = await sender.UpdateTaskOwnersAsync(task, users, guests, control.StopSending, control.HardStop);
            if (written.Outcome != Outcome.Updated)
            {
                return (moved, $"task {task.Id} could not be handed to {successor.Email} ({written.Message ?? written.Outcome.ToString()}); {moved} of {tasks.Count} open tasks were");
            }

            moved++;
        }

        return (moved, null);
    }
}
