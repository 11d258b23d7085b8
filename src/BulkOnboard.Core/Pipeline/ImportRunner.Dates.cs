using System.Threading.Channels;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Pipeline;

/// <summary>The import's dates: how the date columns are read, what the run schedules, and what has come due.</summary>
internal sealed partial class ImportRunner
{
    private DatesOptions DatesSettings => datesOptions?.Value ?? new DatesOptions();

    /// <summary>
    /// How the file's date columns are read, decided from all their values by the first pass over the file
    /// (<paramref name="scan"/>), before any row is validated; <c>null</c> without one.
    /// </summary>
    private RowDates? DecideDates(InputTable table, RowDatesScanner scan)
    {
        if (scan.Decide() is not { } dates)
        {
            return null;
        }

        logger.LogInformation("Dates from {Columns}: a joiner is sent {Members} days (members) or {Guests} days (guests) before their start; a person whose end date has passed is not sent",
            string.Join(" and ", new[] { Input.Field.StartDate, Input.Field.EndDate }.Where(table.Columns.Has).Select(table.Columns.DisplayName)), DatesSettings.InviteLeadDays, DatesSettings.GuestLeadDays);
        return dates;
    }

    /// <summary>
    /// The import's dated actions: the joiners it scheduled wait in the journal; the hires an earlier file of
    /// the same source scheduled and this one withdrew are cancelled and reported (<paramref name="report"/>),
    /// judged only when the whole file was read by a run that did not stop; the people it has now sent no
    /// longer wait; then what has come due (from earlier runs too) is carried out.
    /// </summary>
    private async Task<(int CarriedOut, string? Next)> SettleDatesAsync(RunJournal journal, List<Plan.DueAction> scheduled, Plan.WithdrawnHires? withdrawals,
        List<(PersonKind Kind, string Email, bool Leaver)> carriedOut, RowSender sender, RunControl control, Action<List<RowResult>> report)
    {
        var protocol = new JournalProtocol(journal, control);
        var withdrawn = withdrawals is not null && control.Reason is null ? withdrawals.Find() : [];
        if (!await protocol.RecordAsync(j => j.ScheduleAsync(scheduled)) || !await protocol.RecordAsync(j => j.WithdrawAsync(withdrawn)))
        {
            return (0, null);
        }

        LogWithdrawn(withdrawn, logger);
        report([.. withdrawn.Select(RowResult.Cancelled)]);

        if (!await protocol.RecordAsync(j => j.CancelDueAsync(null, carriedOut, $"settled by run {j.RunId} (in Tallyfy, ended or filtered)")))
        {
            return (0, null);
        }

        foreach (var (when, actions) in scheduled.GroupBy(a => a.DueLocal[..10]).Take(10).Select(g => (g.Key, g.ToList())))
        {
            logger.LogInformation("Scheduled: {Count} {Actions} due {Day} ({First})", actions.Count, string.Join("/", actions.Select(a => a.Action).Distinct()), when, actions[0].DueLocal);
        }

        // What came due is this run's work too: a line each in its results.csv (row empty), counted in its exit code.
        var done = dueRunner is null || control.IsStopping ? [] : await dueRunner.CarryOutAsync(journal, sender, control);
        report(done);
        return (done.Count, journal.PendingDue().FirstOrDefault()?.DueLocal);
    }

    /// <summary>How many scheduled hires the file withdrew (their emails are in results.csv, not in the log).</summary>
    internal static void LogWithdrawn(List<Plan.Withdrawal> withdrawn, ILogger logger)
    {
        if (withdrawn.Count > 0)
        {
            logger.LogInformation("Withdrawn: {Count} scheduled hires no longer listed, or listed without a start date, were cancelled (results.csv: cancelled)", withdrawn.Count);
        }
    }
}
