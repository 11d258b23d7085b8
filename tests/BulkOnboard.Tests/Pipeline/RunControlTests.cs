using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using BulkOnboard.Watching;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Pipeline;

public class RunControlTests
{
    [Test]
    public void Shutdown_StopsSendingAtOnce_AndTheHardStopFiresAfterTheGrace_OnFakeTime()
    {
        var time = new FakeTimeProvider();
        using var shutdown = new CancellationTokenSource();
        using var control = new RunControl(shutdown.Token, TimeSpan.FromSeconds(35), time);

        shutdown.Cancel();
        Assert.That((control.IsStopping, control.HardStop.IsCancellationRequested), Is.EqualTo((true, false)));
        Assert.That(control.Reason, Does.Contain("shutdown"));

        time.Advance(TimeSpan.FromSeconds(34.9));
        Assert.That(control.HardStop.IsCancellationRequested, Is.False, "requests in flight still have their grace");

        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.That(control.HardStop.IsCancellationRequested, Is.True, "past the grace: requests in flight are abandoned");
    }

    [Test]
    public void NoShutdown_NoHardStop_HoweverLongTheRun()
    {
        var time = new FakeTimeProvider();
        using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(1), time);
        time.Advance(TimeSpan.FromDays(1));
        Assert.That((control.IsStopping, control.HardStop.IsCancellationRequested), Is.EqualTo((false, false)));
    }

    [Test]
    public void StopIfTold_IsTheOneStopPath_ForAResultThatStopsTheRun()
    {
        using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(1), TimeProvider.System);
        Assert.That(control.StopIfTold(new DeliveryResult(Outcome.Created, null, 201, 1, "1", null)), Is.False);
        Assert.That(control.IsStopping, Is.False);

        Assert.That(control.StopIfTold(new DeliveryResult(Outcome.NotAttempted, null, 401, 1, null, "the token was refused", StopsRun: true)), Is.True);
        Assert.That(control.StopIfTold(new DeliveryResult(Outcome.NotAttempted, null, null, 0, null, null, StopsRun: true)), Is.True);
        Assert.That((control.IsStopping, control.Reason), Is.EqualTo((true, "the token was refused")), "the first reason stands");
    }

    [TestCase("00:00:30", "00:00:30", 45)]
    [TestCase("00:00:05", "00:02:00", 135)]
    [TestCase("00:00:05", "00:00:10", 25)]
    public void HostShutdownTimeout_AlwaysCoversTheRunsHardStopAndItsReports(string shutdownTimeout, string deliveryTimeout, int expectedSeconds)
    {
        var watch = new WatchOptions { ShutdownTimeout = TimeSpan.Parse(shutdownTimeout, System.Globalization.CultureInfo.InvariantCulture) };
        var delivery = new DeliveryOptions { Timeout = TimeSpan.Parse(deliveryTimeout, System.Globalization.CultureInfo.InvariantCulture) };
        var host = watch.HostShutdownTimeout(delivery);
        Assert.That(host, Is.EqualTo(TimeSpan.FromSeconds(expectedSeconds)));
        Assert.That(host, Is.GreaterThanOrEqualTo(delivery.HardStopGrace));
    }

    [Test]
    public void AReportWriteThatFails_StopsTheRunAtOnce_AndTheRunEndsAsStoppedMidway()
    {
        using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(1), TimeProvider.System);
        var inner = new FailingReport(failAfter: 2);
        var report = new GuardedReport(inner, control, NullLogger.Instance);
        var counts = new OutcomeCounts();
        for (var i = 0; i < 5; i++)
        {
            var row = new RowResult(new RawRecord(i + 2, []), PersonKind.Guest, $"p{i}@x.example", Outcome.Created);
            counts.Add(row);
            report.Write(row);
        }

        report.Dispose();
        Assert.That(control.IsStopping, Is.True, "sending stops at the first failed write");
        Assert.That(control.Reason, Does.StartWith("the report could not be written (No space left on device)"));
        Assert.That(inner.Written, Is.EqualTo(2), "no write is tried after the first failure");
        Assert.That(report.Failure, Is.InstanceOf<IOException>());
        Assert.That(RunSummary.DecideExitCode(counts, stoppedEarly: control.Reason is not null), Is.EqualTo(ExitCodes.Aborted), "3: rows were sent, never 1");
    }

    private sealed class FailingReport(int failAfter) : IRowReport
    {
        public int Written { get; private set; }

        public void Rewrite(RowResult result, long order) => Write(result, order);

        public void Write(RowResult result, long? order = null)
        {
            if (Written >= failAfter)
            {
                throw new IOException("No space left on device");
            }

            Written++;
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
