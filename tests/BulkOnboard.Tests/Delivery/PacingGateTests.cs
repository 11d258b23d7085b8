using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Tests.Delivery;

public class PacingGateTests
{
    private readonly ManualTimeProvider _time = new();

    [Test]
    public void Observe_ServerStatesALowerLimit_PacesAtTheServersLimit()
    {
        using var gate = Gate(600);

        gate.Observe(new RateLimitHeaders(300, 250), rateLimited: false);

        Assert.That(gate.CurrentPace, Is.EqualTo(300));
    }

    [Test]
    public void Observe_429sHalveThePace_DownToATenth_ThenGoodAnswersClimbBack()
    {
        using var gate = Gate(600);

        gate.Observe(default, rateLimited: true);
        Assert.That(gate.CurrentPace, Is.EqualTo(300));
        for (var i = 0; i < 10; i++)
        {
            gate.Observe(default, rateLimited: true);
        }

        Assert.That(gate.CurrentPace, Is.EqualTo(60), "never below a tenth of the ceiling");
        for (var i = 0; i < 100; i++)
        {
            gate.Observe(default, rateLimited: false);
        }

        Assert.That(gate.CurrentPace, Is.EqualTo(600), "additive increase back to the ceiling");
    }

    [Test]
    public void Observe_AllowanceSpent_EasesOffBeforeA429()
    {
        using var gate = Gate(600);

        gate.Observe(new RateLimitHeaders(600, 0), rateLimited: false);

        Assert.That(gate.CurrentPace, Is.EqualTo(540));
    }

    [Test]
    public async Task WaitTurnAsync_BelowTheConfiguredPace_SpacesRequests()
    {
        using var gate = Gate(600);
        for (var i = 0; i < 4; i++)
        {
            gate.Observe(default, rateLimited: true); // 600 -> 300 -> 150 -> 75 -> 60 per minute: one a second
        }

        await gate.WaitTurnAsync(CancellationToken.None);
        var second = gate.WaitTurnAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.That(second.IsCompleted, Is.False, "the next request waits for its slot");

        _time.Advance(TimeSpan.FromMilliseconds(1100));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private PacingGate Gate(int perMinute) =>
        new(Options.Create(new DeliveryOptions { RequestsPerMinute = perMinute }), _time, NullLogger<PacingGate>.Instance);
}
