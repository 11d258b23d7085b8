using BulkOnboard.Reporting;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>
/// The run's report, written so that a write that fails (disk full, folder gone) stops the run's sending
/// at once instead of leaving the workers sending with nothing to record them: the run then ends as
/// stopped midway (exit 3, rows were sent), never as "nothing was sent". Later rows are still counted.
/// </summary>
internal sealed class GuardedReport(IRowReport report, RunControl control, ILogger logger) : IDisposable
{
    /// <summary>The first write that failed, if any.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Writes a result as it settles (<see cref="IRowReport.Write"/>).</summary>
    public void Write(RowResult result, long? order = null) => Guard(() => report.Write(result, order));

    /// <summary>Writes a result's line again (<see cref="IRowReport.Rewrite"/>).</summary>
    public void Rewrite(RowResult result, long order) => Guard(() => report.Rewrite(result, order));

    public void Flush() => Guard(report.Flush);

    public void Dispose()
    {
        if (Failure is null)
        {
            Guard(report.Dispose);
            return;
        }

        try
        {
            report.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Already failed and said so: only the handles are let go here.
        }
    }

    private void Guard(Action write)
    {
        if (Failure is not null)
        {
            return;
        }

        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Failure = ex;
            var why = $"the report could not be written ({ex.Message})";
            if (!control.Stop(why))
            {
                // The run had stopped already, for another reason: this one is logged here (the first, by RunControl).
                logger.LogError("{Why}; the rows already sent keep their outcome in the journal", why);
            }
        }
    }
}
