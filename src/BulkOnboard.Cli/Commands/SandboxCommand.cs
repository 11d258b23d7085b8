using System.CommandLine;
using BulkOnboard.Cli.Hosting;
using BulkOnboard.Reporting;
using BulkOnboard.Sandbox;
using Microsoft.Extensions.Configuration;

namespace BulkOnboard.Cli.Commands;

/// <summary><c>bulkonboard sandbox</c>: serves the local Tallyfy-compatible API until stopped.</summary>
internal static class SandboxCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var port = NumberOptions.Whole("--port", "Loopback port to listen on, 0 for a free one [Sandbox:Port, default a free one]", 0, 65535);
        var rateLimit = NumberOptions.Whole("--rate-limit", "Server-side limit in requests per minute, 0 for none; 429 with Retry-After beyond it [Sandbox:RequestsPerMinute, default none]", 0, 600_000);
        var windows = new Option<string[]>("--window") { Description = "A strict limit, N/duration (10/1s, 100/1m, 1000/1h; repeatable: all apply) [Sandbox:RateLimits]", AllowMultipleArgumentsPerToken = true };
        var headerStyle = new Option<string?>("--rate-limit-headers") { Description = "Rate-limit headers sent: x, x-reset, ietf or none [Sandbox:RateLimitHeaders, default x]" };
        var latency = NumberOptions.Whole("--latency", "Milliseconds added to every response, up to 600000 [Sandbox:Latency]", 0, 600_000);
        var failureRate = NumberOptions.Share("--failure-rate", "Share of requests answered 503, 0 to 1 [Sandbox:FailureRate]");
        var dropRate = NumberOptions.Share("--drop-rate", "Share of requests whose connection is dropped, 0 to 1 [Sandbox:DropRate]");
        var lostRate = NumberOptions.Share("--lost-response-rate", "Share of writes applied whose response is then lost, 0 to 1 [Sandbox:LostResponseRate]");
        var guests = new Option<string[]>("--existing-guest") { Description = "An email that already exists as a guest (repeatable)", AllowMultipleArgumentsPerToken = true };
        var members = new Option<string[]>("--existing-member") { Description = "An email that already exists as a member (repeatable)", AllowMultipleArgumentsPerToken = true };
        var config = new Option<string?>("--config") { Description = "Extra JSON settings file" };
        CommonOptions.RequireText(config);
        var command = new Command("sandbox", "Run the local Tallyfy-compatible sandbox API on 127.0.0.1 until Ctrl+C.")
        {
            port, rateLimit, windows, headerStyle, latency, failureRate, dropRate, lostRate, guests, members, config,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var builder = CliHost.CreateBuilder(environment, parse.GetValue(config));
                var options = builder.Configuration.GetSection(SandboxOptions.Section).Get<SandboxOptions>() ?? new SandboxOptions();
                options.Port = parse.GetValue(port) ?? options.Port;
                if (options.Port is < 0 or > 65535)
                {
                    throw new InvalidDataException($"Sandbox:Port must be from 0 (a free port) to 65535 (is {options.Port})");
                }

                options.RequestsPerMinute = parse.GetValue(rateLimit) ?? options.RequestsPerMinute;
                options.RateLimits.AddRange(parse.GetValue(windows) ?? []);
                options.RateLimitHeaders = parse.GetValue(headerStyle) ?? options.RateLimitHeaders;
                if (options.RateLimitHeaders is not ("x" or "x-reset" or "ietf" or "none"))
                {
                    throw new InvalidDataException($"Sandbox:RateLimitHeaders must be x, x-reset, ietf or none (is '{options.RateLimitHeaders}')");
                }

                options.Latency = parse.GetValue(latency) is { } ms ? TimeSpan.FromMilliseconds(ms) : options.Latency;
                options.FailureRate = parse.GetValue(failureRate) ?? options.FailureRate;
                options.DropRate = parse.GetValue(dropRate) ?? options.DropRate;
                options.LostResponseRate = parse.GetValue(lostRate) ?? options.LostResponseRate;
                options.ExistingGuests.AddRange(parse.GetValue(guests) ?? []);
                options.ExistingMembers.AddRange(parse.GetValue(members) ?? []);

                await using var sandbox = await SandboxServer.StartAsync(options, cancellationToken: cancellationToken);
                environment.Out.WriteLine($"BulkOnboard sandbox listening at {sandbox.BaseUrl}");
                environment.Out.WriteLine($"  Tallyfy__BaseUrl={sandbox.BaseUrl}");
                environment.Out.WriteLine($"  Tallyfy__OrganizationId={options.OrganizationId}");
                environment.Out.WriteLine($"  Tallyfy__AccessToken={options.AccessToken}");
                environment.Out.WriteLine("Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: a normal way to stop the sandbox.
                }

                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is CliException or IOException or InvalidDataException || CliHost.DescribeSetupFailure(ex) is not null)
            {
                environment.WriteError($"sandbox: {(ex is CliException or IOException or InvalidDataException ? ex.Message : CliHost.DescribeSetupFailure(ex))}");
                return ExitCodes.NothingSent;
            }
        });
        return command;
    }
}
