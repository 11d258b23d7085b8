using System.Collections.Concurrent;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>What became of one launch: the line with its journey's columns, and whether a later check should try it again.</summary>
/// <param name="TryAgain">It may have launched (unsettled: looked for before anything is sent again), or failed for a reason that may pass (no answer, 5xx, 408, 429).</param>
internal readonly record struct LaunchedLine(RowResult Line, bool TryAgain);

/// <summary>One person's launch: built, claimed in the journal, sent once, read back, recorded.</summary>
internal sealed partial class JourneyLaunches
{
    // One launch of a person's journey at a time in this process (the watch service's files and its due check side by side
    // share a journal): the second finds it done, never in flight from a run still going.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Launching = new(StringComparer.Ordinal);

    /// <summary>The person a launch is once for: their <c>employee_id</c> when the input has one (a new email is the same person), else their email.</summary>
    public static string PersonOf(Func<string, string?> valueOf, string email) =>
        valueOf(Field.EmployeeId) is { Length: > 0 } key ? $"employee_id:{key.Trim()}" : EmailAddress.Normalize(email);

    /// <summary>
    /// Launches <paramref name="journey"/> for the person of <paramref name="line"/> (created or invited, by this run or an
    /// earlier one: <see cref="RowResult.TallyfyId"/> is the member's id) and returns the line with what became of it. A
    /// launch the journal holds done is not sent (<c>skipped</c>); one it holds in flight is looked for first, by the name it
    /// went out under.
    /// </summary>
    public async Task<LaunchedLine> LaunchAsync(RowResult line, ResolvedJourney journey, Func<string, string?> valueOf, PersonDates? dates, RunControl control)
    {
        var person = PersonOf(valueOf, line.Email);
        var one = Launching.GetOrAdd($"{_journal?.Path}|{_journal?.TargetKey}|{journey.Name}|{person}", _ => new SemaphoreSlim(1, 1));
        await one.WaitAsync(control.HardStop);
        try
        {
            return await LaunchAloneAsync(line, journey, valueOf, dates, person, control);
        }
        finally
        {
            one.Release();
        }
    }

    private async Task<LaunchedLine> LaunchAloneAsync(RowResult line, ResolvedJourney journey, Func<string, string?> valueOf, PersonDates? dates, string person, RunControl control)
    {
        var kind = line.Kind!.Value;
        var memberId = kind == PersonKind.Member ? line.TallyfyId ?? await MemberIdAsync(line.Email, control.StopSending) : null;
        var built = LaunchBuilder.Build(journey, valueOf, new JourneyPerson(kind, line.Email, memberId), _directory, dates);
        var request = built.Request;
        JourneyLaunchEntry? before = null;
        if (_journal is not null)
        {
            try
            {
                // Claimed (committed) before the request goes; a launch that cannot be built only reads what is recorded.
                before = await _journal.ClaimLaunchAsync(journey.Name, person, line.Email, request?.TemplateId, request?.ProcessName);
            }
            catch (JournalUnavailableException ex)
            {
                control.Stop(ex.Message);
                return new(With(line, journey, Failed, null, $"not launched: the journal could not record it ({ex.Message})"), TryAgain: true);
            }
        }

        if (before is { IsDone: true })
        {
            return new(With(line, journey, AlreadyLaunched, before.ProcessId, $"already launched by run {before.RunId}"), false);
        }

        if (request is null)
        {
            // A member whose id could not be read may be found next time; a value or a manager that does not fit needs the file fixed.
            return new(With(line, journey, Failed, null, $"not launched: {built.Error}"), TryAgain: kind == PersonKind.Member && memberId is null);
        }

        // A lost answer's process carries the name it went out under, which a renamed row or ProcessName no longer gives.
        string[] names = before is { WasInFlight: true, ProcessName: { } sentAs } && sentAs != request.ProcessName ? [sentAs, request.ProcessName] : [request.ProcessName];
        var outcome = await _sender.Processes.LaunchAsync(request, before?.WasInFlight == true, line.Email, names, control.StopSending, control.HardStop);
        var (state, word) = outcome switch
        {
            { HasProcess: true } => (RunJournal.Done, outcome.Outcome),
            { Outcome: LaunchOutcome.Unsettled } => (RunJournal.InFlight, Failed),
            _ => (RunJournal.LaunchFailed, Failed),
        };
        if (_journal is not null)
        {
            try
            {
                await _journal.RecordLaunchAsync(journey.Name, person, state, outcome.Outcome, outcome.ProcessId);
            }
            catch (JournalUnavailableException ex)
            {
                control.Stop(ex.Message);
            }
        }

        _logger.LogInformation("Journey {Journey} for {Email}: {Outcome}{Process}{Message}", journey.Name, line.Email, word,
            outcome.ProcessId is null ? string.Empty : $" (process {outcome.ProcessId})", outcome.Message is null ? string.Empty : $": {outcome.Message}");
        var tryAgain = state == RunJournal.InFlight || (state == RunJournal.LaunchFailed && outcome.HttpStatus is null or >= 500 or 408 or 429);
        return new(With(line, journey, word, outcome.ProcessId, outcome.Message), tryAgain);
    }
}
