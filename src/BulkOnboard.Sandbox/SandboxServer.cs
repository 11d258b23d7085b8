using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Sandbox;

/// <summary>
/// A Tallyfy-compatible API on loopback: the guest and member endpoints with Tallyfy's header and
/// token checks, Laravel-style 422s, an optional rate limit with <c>429 Retry-After</c>, and fault injection.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, SandboxOptions options, SandboxState state, Uri baseUrl)
    {
        _app = app;
        Options = options;
        State = state;
        BaseUrl = baseUrl;
    }

    public SandboxOptions Options { get; }

    public SandboxState State { get; }

    /// <summary>The API base URL, such as <c>http://127.0.0.1:5123/api</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts the sandbox on 127.0.0.1 and returns once it listens.</summary>
    public static async Task<SandboxServer> StartAsync(SandboxOptions options, ILoggerProvider? logging = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            builder.Logging.AddProvider(logging);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        var state = new SandboxState();
        Seed(state, options);
        state.Webhooks = new SandboxTaskWebhooks(options, state);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SandboxApi>();

        var app = builder.Build();

        // Tallyfy: every answer carries X-Request-Id, the one thing its support can look a request up by.
        app.Use((http, next) =>
        {
            http.Response.Headers["X-Request-Id"] = "req_" + Guid.NewGuid().ToString("N");
            return next(http);
        });
        app.Services.GetRequiredService<SandboxApi>().Map(app);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new SandboxServer(app, options, state, new Uri($"http://127.0.0.1:{port}/api"));
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        State.Webhooks?.Dispose();
    }

    /// <summary>People seeded as existing were created long before any run.</summary>
    private static readonly DateTimeOffset SeededAt = new(2024, 1, 15, 9, 0, 0, TimeSpan.Zero);

    private static void Seed(SandboxState state, SandboxOptions options)
    {
        foreach (var email in options.ExistingGuests)
        {
            state.Guests[email] = new SandboxPerson($"seed-{state.Guests.Count + 1}", "guest", email, new Dictionary<string, string?>(), SeededAt);
        }

        foreach (var email in options.ExistingMembers)
        {
            state.Members[email] = new SandboxPerson(state.NextMemberId().ToString(System.Globalization.CultureInfo.InvariantCulture), "member", email,
                new Dictionary<string, string?> { ["role"] = "standard", ["status"] = "active" }, SeededAt);
        }

        foreach (var template in SandboxTemplates.Build(options.Templates))
        {
            state.Templates[template.Id] = template;
        }

        if (!string.IsNullOrWhiteSpace(options.DefaultAdmin))
        {
            state.DefaultAdmin = new SandboxPerson(state.NextMemberId().ToString(System.Globalization.CultureInfo.InvariantCulture), "member", options.DefaultAdmin.Trim(),
                new Dictionary<string, string?> { ["role"] = "admin", ["status"] = "active", ["first_name"] = "Org", ["last_name"] = "Owner" }, SeededAt);
        }
    }
}
