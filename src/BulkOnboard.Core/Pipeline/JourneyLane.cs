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
/// run (noted in the journal as due before anything else), or in an earlier run whose launch is still noted as not done
/// (a crash, a refusal, an answer lost); someone onboarded before a journey existed never does. A launch that may pass
/// (no answer, 5xx) is scheduled again for the next due check.
/// </summary>
/// <param name="pending">The launches the journal holds as not done, (journey, person), read before the run's rows.</param>
internal sealed class JourneyLane(JourneyLaunches launches, JourneyValues values, IReadOnlySet<(string Journey, string Person)> pending, RunJournal? journal,
    RunControl control, int workers, DateTimeOffset now, string? source)
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
        var stillDue = !onboardedNow && line.Outcome is Outcome.Skipped or Outcome.Updated && pending.Contains((journey.Name, person));
        if (!onboardedNow && !stillDue && line.Outcome != Outcome.Scheduled)
        {
            // Not onboarded (failed, stopped, invalid): none; someone Tallyfy or an earlier journey already had: nothing to say.
            return line.Outcome is Outcome.Failed or Outcome.NotAttempted or Outcome.Invalid ? line with { Journey = journey.Name, JourneyOutcome = JourneyLaunches.NotLaunched } : line;
        }

        // Noted before anything else: a crash from here on leaves it to the next run, never to nobody.
        var noted = onboardedNow && journal is not null ? journal.NoteLaunchDueAsync(journey.Name, person, line.Email) : Task.CompletedTask;
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

        if (!_work.Writer.TryWrite(new Work(sequence, line, journey, valueOf, dates, noted)))
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
                    await work.Noted;
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

    private sealed record Work(long Sequence, RowResult Line, ResolvedJourney Journey, Func<string, string?> ValueOf, PersonDates? Dates, Task Noted);
}
