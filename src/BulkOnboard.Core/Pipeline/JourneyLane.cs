using System.Collections.Concurrent;
using System.Threading.Channels;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using NodaTime;

namespace BulkOnboard.Pipeline;

/// <summary>
/// An import's journeys (PRODUCT.md, "Onboarding journeys"): each line, as it settles, gets its journey's columns at once
/// (scheduled, not launched) or goes to the launch workers of its own (<c>Delivery:MaxConcurrency</c>, in the gate's lane of
/// launches, which has a turn only when no other lane's request may go), so a launch never keeps a person waiting; a launched line is written again
/// (<see cref="IRowReport.Rewrite"/>) with what became of it. Only people BulkOnboard created or invited get one: in this
/// run, or in an earlier one from the journey's first run on whose launch is not done (a crash, a refusal, an answer lost);
/// someone onboarded before a journey existed never does, and one whose launch is done reads <c>skipped</c>. A launch that
/// may pass (no answer, 5xx) is scheduled again for the next due check.
/// </summary>
internal sealed class JourneyLane(JourneyLaunches launches, JourneyValues values, JourneyHistory history, RunControl control, int workers, DateTimeOffset now, string? source)
{
    private readonly Lock _scheduling = new();

    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly ConcurrentQueue<(long Sequence, RowResult Line)> _finished = new();
    private Task? _workers;

    /// <summary>The dated launches this run scheduled (the journal keeps them until their day).</summary>
    public List<DueAction> Scheduled { get; } = [];

    /// <summary>
    /// The dated launches to keep, once every line has settled: a launch whose person's create or invite is scheduled
    /// later (in <paramref name="scheduled"/>, this run's dated actions) is due with it, not before, so no check finds it
    /// due while it cannot go (and none names a time already past as the next due).
    /// </summary>
    public List<DueAction> ScheduledAfter(IEnumerable<DueAction> scheduled)
    {
        lock (_scheduling)
        {
            return After(scheduled);
        }
    }

    private List<DueAction> After(IEnumerable<DueAction> scheduled)
    {
        var joiners = scheduled.Where(a => a.IsJoiner).GroupBy(a => (a.Kind, EmailAddress.Normalize(a.Email))).ToDictionary(g => g.Key, g => g.MaxBy(a => a.DueAt)!);
        return [.. Scheduled.Select(launch => joiners.GetValueOrDefault((launch.Kind, EmailAddress.Normalize(launch.Email))) is { } joiner && joiner.DueAt > launch.DueAt
            ? launch with { DueAt = joiner.DueAt, DueLocal = joiner.DueLocal }
            : launch)];
    }

    public void Start() => _workers = Task.WhenAll(Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(WorkAsync)));

    /// <summary>The line to write now for <paramref name="line"/> (with its journey's columns when one applies); a launch is queued.</summary>
    public RowResult Settle(long sequence, RowResult line)
    {
        if (line.Kind is not { } kind || line.RowNumber <= 0)
        {
            return line;
        }

        var valueOf = values.Of(line.Record.Cells);
        if (launches.For(kind, valueOf) is not { } journey)
        {
            return line;
        }

        if (line.Outcome is Outcome.Invited && kind == PersonKind.Member)
        {
            launches.Learn(line.Email, line.TallyfyId);
        }

        var dates = values.DatesOf(line.Record.Cells);
        var person = JourneyLaunches.PersonOf(valueOf, line.Email);
        var onboardedNow = line.Outcome is Outcome.Created or Outcome.Invited;
        if (!onboardedNow && history.Launches.TryGetValue((journey.Name, person), out var known) && known.State == RunJournal.Done)
        {
            return line with { Journey = journey.Name, JourneyOutcome = JourneyLaunches.AlreadyLaunched, ProcessId = known.ProcessId };
        }

        var owed = onboardedNow || (line.Outcome is Outcome.Skipped or Outcome.Updated && history.Owes(journey.Name, person, kind, line.Email));
        if (!owed && line.Outcome != Outcome.Scheduled)
        {
            // Not onboarded (failed, stopped, invalid): none; someone BulkOnboard onboarded before the journey existed: nothing to say.
            return line.Outcome is Outcome.Failed or Outcome.NotAttempted or Outcome.Invalid ? line with { Journey = journey.Name, JourneyOutcome = JourneyLaunches.NotLaunched } : line;
        }

        if (line.Outcome == Outcome.Scheduled || journey.Launch.For(dates) is { } due && due > Instant.FromDateTimeOffset(now))
        {
            // Its day (or the person's own invite) is still to come: the journal keeps it; a due check launches it once both have come.
            var at = journey.Launch.For(dates) ?? Instant.FromDateTimeOffset(now);
            lock (_scheduling)
            {
                Scheduled.Add(JourneyLaunches.Schedule(line, journey, valueOf, dates, at, source));
            }

            return line with { Journey = journey.Name, JourneyOutcome = JourneyLaunches.Scheduled };
        }

        if (!_work.Writer.TryWrite(new Work(sequence, line, journey, valueOf, dates)))
        {
            throw new InvalidOperationException("The journey queue was closed early.");
        }

        return line with { Journey = journey.Name };
    }

    /// <summary>The launched lines finished since the last call, to be written again in place of their first line.</summary>
    public IEnumerable<(long Sequence, RowResult Line)> Finished()
    {
        while (_finished.TryDequeue(out var done))
        {
            yield return done;
        }
    }

    /// <summary>No more lines come: waits for the launches queued.</summary>
    public async Task CompleteAsync()
    {
        _work.Writer.TryComplete();
        if (_workers is not null)
        {
            await _workers;
        }
    }

    private async Task WorkAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync())
        {
            RowResult done;
            var stopped = JourneyLaunches.With(work.Line, work.Journey, JourneyLaunches.NotLaunched, null, $"not launched: {control.Reason ?? "the run stopped"}; a re-run launches it");
            if (control.IsStopping)
            {
                done = stopped;
            }
            else
            {
                try
                {
                    var launched = await launches.LaunchAsync(work.Line, work.Journey, work.ValueOf, work.Dates, control);
                    done = launched.Line;
                    if (launched.TryAgain)
                    {
                        // Looked for (or sent) again by the next due check, whether or not a later file lists the person.
                        lock (_scheduling)
                        {
                            Scheduled.Add(JourneyLaunches.Schedule(work.Line, work.Journey, work.ValueOf, work.Dates, Instant.FromDateTimeOffset(now), source));
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    done = stopped;
                }
                catch (JournalUnavailableException ex)
                {
                    control.Stop(ex.Message);
                    done = stopped;
                }
                catch (Exception ex)
                {
                    // A bug must not lose the line: it is reported, and the run goes on.
                    done = JourneyLaunches.With(work.Line, work.Journey, JourneyLaunches.Failed, null, $"internal error: {ex.Message}");
                }
            }

            _finished.Enqueue((work.Sequence, done));
        }
    }

    private sealed record Work(long Sequence, RowResult Line, ResolvedJourney Journey, Func<string, string?> ValueOf, PersonDates? Dates);
}

/// <summary>What the journal knows that says whether a person is owed a launch: every launch's state, who BulkOnboard onboarded in which run, and each journey's first run.</summary>
internal sealed record JourneyHistory(IReadOnlyDictionary<(string Journey, string Person), (string State, string? ProcessId)> Launches,
    IReadOnlyDictionary<(PersonKind Kind, string Email), long> OnboardedRuns, IReadOnlyDictionary<string, long> FirstRuns)
{
    /// <summary>Read before a run's rows (one thread), registering the journeys' first run.</summary>
    public static async Task<JourneyHistory> ReadAsync(RunJournal? journal, IReadOnlyCollection<string> journeys) => journal is null
        ? new(new Dictionary<(string, string), (string, string?)>(), new Dictionary<(PersonKind, string), long>(), new Dictionary<string, long>())
        : new(journal.Launches(), journal.OnboardedRuns(), await journal.RegisterJourneysAsync(journeys));

    /// <summary>A launch not done (sent, refused, or never sent) for someone BulkOnboard onboarded from the journey's first run on.</summary>
    public bool Owes(string journey, string person, PersonKind kind, string email) =>
        Launches.ContainsKey((journey, person))
        || (OnboardedRuns.TryGetValue((kind, EmailAddress.Normalize(email)), out var run) && FirstRuns.TryGetValue(journey, out var first) && run >= first);
}
