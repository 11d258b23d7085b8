using BulkOnboard.Sandbox;
using Microsoft.Extensions.Configuration;

namespace BulkOnboard.Cli.Hosting;

/// <summary><c>--sandbox</c>: starts the sandbox on a free loopback port and points the Tallyfy settings at it.</summary>
internal static class InProcessSandbox
{
    public static async Task<SandboxServer> StartAsync(IConfiguration configuration, Dictionary<string, string?> settings, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var options = configuration.GetSection(SandboxOptions.Section).Get<SandboxOptions>() ?? new SandboxOptions();
        options.Port = 0;
        var sandbox = await SandboxServer.StartAsync(options, cancellationToken: cancellationToken);
        settings["Tallyfy:BaseUrl"] = sandbox.BaseUrl.ToString();

        // Its port changes with every run, and each run's sandbox starts empty: the rows' journal is kept per
        // sandbox (it must not claim people this one never saw), a source's history across them all.
        settings[Pipeline.SourceStage.HistoryEndpointKey] = "sandbox";
        settings["Tallyfy:OrganizationId"] = options.OrganizationId;
        settings["Tallyfy:AccessToken"] = options.AccessToken;
        settings["Tallyfy:AccessTokenFile"] = null;
        settings["Tallyfy:ClientId"] = null;
        settings["Tallyfy:ClientSecret"] = null;
        environment.Out.WriteLine($"Using the built-in sandbox at {sandbox.BaseUrl} (a local stand-in for Tallyfy: nothing leaves this machine).");
        return sandbox;
    }
}
