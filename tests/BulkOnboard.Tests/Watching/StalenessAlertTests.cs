using System.Text.Json;
using BulkOnboard.Tests.Support;
using BulkOnboard.Watching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Watching;

public class StalenessAlertTests
{
    [Test]
    public async Task NoFileWithinExpectFileEvery_TheServicePostsOneAlert_OnFakeTime()
    {
        using var files = new TestFiles();
        using var hook = new WebhookReceiver();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Watch:Inbox"] = Path.Combine(files.Folder, "inbox"),
            ["Watch:ExpectFileEvery"] = "01:00:00",
            ["Watch:ScanInterval"] = "00:01:00",
            ["Notify:Webhook:Url"] = hook.Url,
            ["Journal:Enabled"] = "false",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(time)
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddBulkOnboard(sendsRequests: false)
            .AddSingleton<WatchService>()
            .BuildServiceProvider();
        var service = services.GetRequiredService<WatchService>();
        using var stop = new CancellationTokenSource();

        await service.StartAsync(stop.Token);
        for (var minute = 0; minute < 59 && hook.Bodies.IsEmpty; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(5);
        }

        Assert.That(hook.Bodies, Is.Empty, "within the hour: no alert");
        for (var minute = 0; minute < 5 && hook.Bodies.IsEmpty; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await WaitForAsync(() => !hook.Bodies.IsEmpty, TimeSpan.FromSeconds(2));
        }

        await stop.CancelAsync();
        await service.StopAsync(CancellationToken.None);
        Assert.That(hook.Bodies, Has.Count.EqualTo(1), string.Join("\n", hook.Bodies));
        var alert = JsonDocument.Parse(hook.Bodies.Single()).RootElement;
        Assert.That(alert.GetProperty("event").GetString(), Is.EqualTo("stale_inbox"));
        Assert.That(alert.GetProperty("problem").GetString(), Does.Contain("no file arrived").And.Contain("Watch:ExpectFileEvery"));
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(10);
        }
    }
}
