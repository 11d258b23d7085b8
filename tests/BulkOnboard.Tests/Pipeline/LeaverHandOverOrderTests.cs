using BulkOnboard.Delivery;
using BulkOnboard.Pipeline;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>Members' deactivations wait for the batch's guest leavers only: never behind a joiner Tallyfy's guest cap holds.</summary>
public class LeaverHandOverOrderTests
{
    private sealed record Change(string Name, RequestScope Lane, bool GuestLeaver = false, bool Deactivation = false);

    [Test]
    public async Task ADeactivation_WaitsForTheGuestLeavers_NotForAGuestCreateStillHeld()
    {
        var create = new Change("create", RequestScope.GuestCreate);
        var mover = new Change("mover", RequestScope.Write);
        var deactivate = new Change("deactivate", RequestScope.Write, Deactivation: true);
        var removeGuest = new Change("remove", RequestScope.Write, GuestLeaver: true);
        var releaseCreate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deactivated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();

        var run = LeaverHandOver.GuestsFirst<Change>([create, mover, deactivate, removeGuest], c => c.GuestLeaver, c => c.Deactivation,
            (ordered, carryOut) => ChangeLanes.RunAsync(ordered, c => c.Lane, 2, carryOut),
            async c =>
            {
                if (c == create)
                {
                    // Held (Tallyfy's hourly guest cap) until the member's deactivation has gone.
                    await releaseCreate.Task;
                }

                await Task.Yield();
                lock (order)
                {
                    order.Add(c.Name);
                }

                if (c == deactivate)
                {
                    deactivated.SetResult();
                }
            });

        // The deactivation goes while the guest create is still held (before: it waited for the whole first round, create included).
        var first = await Task.WhenAny(deactivated.Task, run).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(first, Is.SameAs(deactivated.Task), "the deactivation waited for the held guest create");
        releaseCreate.SetResult();
        await run;

        Assert.That(order.IndexOf("remove"), Is.LessThan(order.IndexOf("deactivate")), string.Join(", ", order));
        Assert.That(order, Is.EquivalentTo(new[] { "create", "mover", "deactivate", "remove" }));
    }

    [Test]
    public async Task EveryDeactivation_WaitsUntilEveryGuestLeaverIsDone()
    {
        var changes = Enumerable.Range(0, 6).Select(i => new Change($"d{i}", RequestScope.Write, Deactivation: true))
            .Concat(Enumerable.Range(0, 6).Select(i => new Change($"g{i}", RequestScope.Write, GuestLeaver: true))).ToList();
        var guestsLeft = 6;
        var early = 0;

        await LeaverHandOver.GuestsFirst<Change>(changes, c => c.GuestLeaver, c => c.Deactivation,
            (ordered, carryOut) => ChangeLanes.RunAsync(ordered, c => c.Lane, 3, carryOut),
            async c =>
            {
                await Task.Yield();
                if (c.GuestLeaver)
                {
                    Interlocked.Decrement(ref guestsLeft);
                }
                else if (Volatile.Read(ref guestsLeft) != 0)
                {
                    Interlocked.Increment(ref early);
                }
            });

        Assert.That((guestsLeft, early), Is.EqualTo((0, 0)));
    }
}
