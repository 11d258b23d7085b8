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
        settings["Tallyfy:OrganizationId"] = options.OrganizationId;
        settings["Tallyfy:AccessToken"] = options.AccessToken;
        settings["Tallyfy:AccessTokenFile"] = null;
        settings["Tallyfy:ClientId"] = null;
        settings["Tallyfy:ClientSecret"] = null;
        environment.Out.WriteLine($"Using the built-in sandbox at {sandbox.BaseUrl} (a local stand-in for Tallyfy: nothing leaves this machine).");
        return sandbox;
    }
}
