using BulkOnboard.Input;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Reporting;

public class ExitCodeTests
{
    [TestCase(new[] { Outcome.Created, Outcome.Invited, Outcome.Skipped, Outcome.Updated }, false, 0)]
    [TestCase(new[] { Outcome.Valid, Outcome.Skipped }, false, 0)]
    [TestCase(new[] { Outcome.Created, Outcome.Invalid }, false, 2)]
    [TestCase(new[] { Outcome.Created, Outcome.Failed }, false, 2)]
    [TestCase(new[] { Outcome.Created, Outcome.Failed, Outcome.NotAttempted }, false, 3)]
    [TestCase(new[] { Outcome.Created }, true, 3)]
    public void DecideExitCode_FollowsTheProductContract(Outcome[] outcomes, bool stoppedEarly, int expected)
    {
        var counts = new OutcomeCounts();
        foreach (var outcome in outcomes)
        {
            counts.Add(new RowResult(new RawRecord(2, []), PersonKind.Guest, "x@y.example", outcome));
        }

        Assert.That(RunSummary.DecideExitCode(counts, stoppedEarly), Is.EqualTo(expected));
    }
}
