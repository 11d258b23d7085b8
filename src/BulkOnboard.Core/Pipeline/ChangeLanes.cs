using BulkOnboard.Delivery;

namespace BulkOnboard.Pipeline;

/// <summary>
/// How a batch of changes to Tallyfy is carried out, for every command that has one (sync's plan, the dated
/// actions due, an undo): one queue per kind of request (<see cref="RequestScope"/>), each worked by
/// <c>Delivery:MaxConcurrency</c> workers, so a kind held by its cap (guest creates) never keeps a worker
/// from the others; the <see cref="RequestGate"/> bounds the requests in flight and gives the kinds their
/// turns. (Import streams its rows through the same two lanes in <see cref="ImportFlow"/>.)
/// </summary>
internal static class ChangeLanes
{
    /// <summary>Carries out <paramref name="changes"/> (each once), in their order within each kind.</summary>
    public static Task RunAsync<T>(IReadOnlyList<T> changes, Func<T, RequestScope> laneOf, int workers, Func<T, Task> carryOut) =>
        Task.WhenAll(changes.GroupBy(laneOf).Select(lane =>
        {
            var queue = new Queue<T>(lane);
            var gate = new Lock();
            return Task.WhenAll(Enumerable.Range(0, Math.Min(workers, queue.Count)).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    T next;
                    lock (gate)
                    {
                        if (!queue.TryDequeue(out next!))
                        {
                            return;
                        }
                    }

                    await carryOut(next);
                }
            })));
        }));
}
