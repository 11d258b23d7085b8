using BulkOnboard.Reporting;

namespace BulkOnboard.Pipeline;

/// <summary>Watches a run from outside the pipeline: the CLI's progress bar or progress log lines.</summary>
internal interface IRunObserver
{
    /// <summary>
    /// The input is open and rows are about to flow: <see cref="RunProgress.ExpectedRows"/> of them (the first
    /// pass's count); <paramref name="progress"/> says where the run stands and how long it has left.
    /// </summary>
    void Started(string inputPath, string description, RunProgress progress);

    /// <summary>A row's outcome was written to the report; called as rows settle (in any order, not input order), from one thread.</summary>
    void RowFinished(RowResult result);
}

/// <summary>An observer that watches nothing.</summary>
internal sealed class NullRunObserver : IRunObserver
{
    public static readonly NullRunObserver Instance = new();

    public void Started(string inputPath, string description, RunProgress progress)
    {
    }

    public void RowFinished(RowResult result)
    {
    }
}
