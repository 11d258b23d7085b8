using BulkOnboard.Reporting;

namespace BulkOnboard.Pipeline;

/// <summary>Watches a run from outside the pipeline: the CLI's progress bar or progress log lines.</summary>
internal interface IRunObserver
{
    /// <summary>The input is open and rows are about to flow: <paramref name="expectedRows"/> of them (<see cref="Input.InputTable.ExpectedRows"/>).</summary>
    void Started(string inputPath, string description, int expectedRows);

    /// <summary>A row's outcome was written to the report; called in input order, from one thread.</summary>
    void RowFinished(RowResult result);
}

/// <summary>An observer that watches nothing.</summary>
internal sealed class NullRunObserver : IRunObserver
{
    public static readonly NullRunObserver Instance = new();

    public void Started(string inputPath, string description, int expectedRows)
    {
    }

    public void RowFinished(RowResult result)
    {
    }
}
