using System.Net;
using BulkOnboard.Pipeline;
using BulkOnboard.Tests.Delivery;
using BulkOnboard.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>The preflight listing is usually a run's first request: what no later request escapes stops the run there.</summary>
public class PreflightTests
{
    [Test]
    public async Task RunAsync_ListingMeetsAWrongPort_StopsTheRunBeforeAnyRowIsSent_NamingBaseUrl()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o => o.RetryBaseDelay = TimeSpan.FromSeconds(1)), time);
        harness.Http.When("*").Throw(WrongTargetTests.Unreachable("refused"));
        using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(35), time);
        var preflight = new Preflight(true, harness.Sender, control, NullLogger.Instance);

        await preflight.RunAsync(guestRows: 500, memberRows: 500, control.StopSending).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(control.IsStopping, Is.True);
        Assert.That(control.Reason, Does.Contain("check Tallyfy:BaseUrl"));
        Assert.That(harness.Stats.Requests, Is.EqualTo(1), "the members are not listed after the guests' listing met the wrong port");
    }

    [Test]
    public async Task RunAsync_ListingFailsForItsOwnReasons_TheRunGoesOn()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond("application/json", """{"data":[{"email":"a@x.example"}],"meta":{"pagination":{"total":1,"total_pages":1}}}""");
        harness.Http.When(DeliveryHarness.UsersUrl).Respond(HttpStatusCode.Forbidden, "application/json", """{"message":"Only admins may list members."}""");
        using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(35), TimeProvider.System);
        var preflight = new Preflight(true, harness.Sender, control, NullLogger.Instance);

        await preflight.RunAsync(guestRows: 500, memberRows: 500, control.StopSending);

        Assert.That(control.IsStopping, Is.False);
        Assert.That(preflight.Found!.Guests, Has.Count.EqualTo(1));
    }
}
