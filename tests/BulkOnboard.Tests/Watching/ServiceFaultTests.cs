using System.Text.Json;
using BulkOnboard.Tests.Support;
using BulkOnboard.Watching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Tests.Watching;

public class ServiceFaultTests
{
    [Test]
    public async Task AFaultOfTheServiceItself_IsRecorded_Notified_AndStopsTheHost()
    {
        using var files = new TestFiles();
        using var hook = new WebhookReceiver();
        // The inbox is a regular file: the service cannot watch anything, and must not carry on as if it did.
        var inbox = Path.Combine(files.Folder, "inbox");
        File.WriteAllText(inbox, "not a folder");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Watch:Inbox"] = inbox,
            ["Notify:Webhook:Url"] = hook.Url,
            ["Notify:RetryDelay"] = "00:00:00.010",
            ["Journal:Enabled"] = "false",
        }).Build();
        var lifetime = new StoppingLifetime();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IHostApplicationLifetime>(lifetime)
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Critical))
            .AddBulkOnboard(sendsRequests: false)
            .AddSingleton<WatchService>()
            .BuildServiceProvider();
        var service = services.GetRequiredService<WatchService>();

        await service.StartAsync(CancellationToken.None);
        await (service.ExecuteTask ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(services.GetRequiredService<WatchProcessor>().ServiceFault, Does.StartWith("IOException"));
        Assert.That(lifetime.Stopped, Is.True, "the host is told to stop (the command then exits non-zero)");
        var alert = JsonDocument.Parse(hook.Bodies.Single()).RootElement;
        Assert.That(alert.GetProperty("event").GetString(), Is.EqualTo("service_stopped"));
        Assert.That(alert.GetProperty("exit_code").GetInt32(), Is.EqualTo(3));
    }

    private sealed class StoppingLifetime : IHostApplicationLifetime
    {
        public bool Stopped { get; private set; }

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopped = true;
    }
}
