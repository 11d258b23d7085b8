namespace BulkOnboard.Delivery;

/// <summary>
/// Who goes next: one first-in, first-out lane per kind of request (<see cref="RequestScope"/>), and turns
/// taken round-robin among the lanes whose next request may go now. A lane held by its cap (Tallyfy's hourly
/// guest cap) is passed over and loses nothing: when its cap reopens it has the next turn, however many
/// requests of other kinds are waiting. Within a lane, requests go in the order they asked.
/// </summary>
/// <remarks>
/// Only the first request of each lane keeps a timer (for the moment its lane may go); the others sleep until
/// they reach the front. Whenever a request leaves a lane (it went, was refused, or was cancelled), the first
/// request of every lane is woken to look again. All of it under the gate's lock.
/// </remarks>
internal sealed partial class RequestGate
{
    private static readonly int LaneCount = Enum.GetValues<RequestScope>().Length;

    private readonly LinkedList<Place>[] _lanes = [.. Enumerable.Range(0, LaneCount).Select(_ => new LinkedList<Place>())];

    // The lane that had the last turn: the next turn goes to the first ready lane after it.
    private int _lastTurn = LaneCount - 1;

    /// <summary>How many requests wait in each lane now (for the progress display and tests).</summary>
    public IReadOnlyDictionary<RequestScope, int> Waiting
    {
        get
        {
            lock (_lock)
            {
                return Enum.GetValues<RequestScope>().ToDictionary(s => s, s => _lanes[(int)s].Count);
            }
        }
    }

    /// <summary>Joins the back of the lane of <paramref name="scope"/>.</summary>
    private Place JoinLane(RequestScope scope)
    {
        var place = new Place(scope);
        lock (_lock)
        {
            place.Node = _lanes[(int)scope].AddLast(place);
        }

        return place;
    }

    /// <summary>Leaves its lane (it went, or gave up), and wakes the first of every lane to look again.</summary>
    private void LeaveLane(Place place)
    {
        List<CancellationTokenSource> wake;
        lock (_lock)
        {
            if (place.Node?.List is { } lane)
            {
                lane.Remove(place.Node);
            }

            wake = [.. _lanes.Select(l => l.First?.Value.Wake).OfType<CancellationTokenSource>()];
        }

        wake.ForEach(WakeUp);
    }

    /// <summary>Wakes a request sleeping in a lane (outside the lock: it looks again under it).</summary>
    private static void WakeUp(CancellationTokenSource? wake)
    {
        try
        {
            wake?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That request has just stopped waiting on its own.
        }
    }

    /// <summary>
    /// Who has the turn now: the first of the next lane, after the one that had the last turn, whose request may go now;
    /// the journeys' lane (<see cref="RequestScope.Launch"/>) only when no other may.
    /// </summary>
    private Place? WhoseTurn(DateTimeOffset now)
    {
        for (var step = 1; step <= LaneCount; step++)
        {
            var index = (_lastTurn + step) % LaneCount;
            if (index != (int)RequestScope.Launch && Ready(_lanes[index], now) is { } first)
            {
                return first;
            }
        }

        return Ready(_lanes[(int)RequestScope.Launch], now);
    }

    private Place? Ready(LinkedList<Place> lane, DateTimeOffset now) =>
        lane.First?.Value is { } first && EarliestSlot(now, first.Scope).Slot - now <= Tolerance ? first : null;

    /// <summary>The request of <paramref name="place"/> goes: out of its lane, and its lane had the last turn (under the lock).</summary>
    private void TakeTurn(Place place)
    {
        _lanes[(int)place.Scope].Remove(place.Node!);
        _lastTurn = (int)place.Scope;
    }

    /// <summary>Whether <paramref name="place"/> is first in its lane (the others do not look at the clock).</summary>
    private static bool IsFirst(Place place) => ReferenceEquals(place.Node?.List?.First, place.Node);

    /// <summary>One request's place in a lane: its kind, its node, and what wakes it early.</summary>
    private sealed class Place(RequestScope scope)
    {
        public RequestScope Scope { get; } = scope;

        public LinkedListNode<Place>? Node { get; set; }

        /// <summary>Cancelled to wake the request before its timer (another left the lanes).</summary>
        public CancellationTokenSource? Wake { get; set; }
    }
}
