using System.CommandLine;
using BulkOnboard.Cli.Hosting;
using BulkOnboard.Journal;
using BulkOnboard.Reporting;
using BulkOnboard.Sandbox;
using BulkOnboard.Watching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog.Events;

namespace BulkOnboard.Cli.Commands;

/// <summary><c>bulkonboard watch</c>: the watched-folder service, or with <c>--once</c> the scheduled-task form.</summary>
internal static class WatchCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var inbox = new Option<string?>("--inbox") { Description = "Folder HR drops files into [Watch:Inbox, default inbox/]" };
        var once = new Option<bool>("--once") { Description = "Import what is in the inbox now, then exit with the worst exit code of its files (for cron and task schedulers)" };
        var options = new CommonOptions();
        options.Out.Description = "Folder for the report files [Watch:Reports, default <inbox>/reports]";
        var command = new Command("watch", "Import files dropped into an inbox folder, each once it is completely written; file them in done/ or failed/ with their reports.")
        {
            inbox, once,
        };
        options.AddTo(command, sends: true);

        command.SetAction(async (parse, cancellationToken) =>
        {
            IHost? host = null;
            SandboxServer? sandbox = null;
            try
            {
                var builder = CliHost.CreateBuilder(environment, parse.GetValue(options.Config));
                var settings = options.ToSettings(parse, reportFolderKey: "Watch:Reports");
                if (parse.GetValue(inbox) is { } folder)
                {
                    settings["Watch:Inbox"] = Path.GetFullPath(folder);
                }

                if (parse.GetValue(options.Sandbox))
                {
                    sandbox = await InProcessSandbox.StartAsync(builder.Configuration, settings, environment, cancellationToken);
                }

                builder.Configuration.AddInMemoryCollection(settings);
                CliHost.AddSerilog(builder, environment, LogEventLevel.Information);
                builder.Services.AddBulkOnboard(sendsRequests: true);
                var shutdown = builder.Configuration.GetSection(WatchOptions.Section).Get<WatchOptions>()?.ShutdownTimeout ?? TimeSpan.FromSeconds(30);
                builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdown);
                var runOnce = parse.GetValue(once);
                if (!runOnce)
                {
                    builder.Services.AddHostedService<WatchService>();
                }

                host = builder.Build();
                host.Services.GetRequiredService<IStartupValidator>().Validate();
                if (runOnce)
                {
                    return await host.Services.GetRequiredService<WatchProcessor>().RunOnceAsync(cancellationToken);
                }

                await host.RunAsync(cancellationToken);
                return ExitCodes.Success;
            }
            catch (Exception ex) when (CliHost.DescribeSetupFailure(ex) is { } message)
            {
                environment.WriteError(message);
                return ExitCodes.NothingSent;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // The inbox or its folders cannot be created or read.
                environment.WriteError(ex.Message);
                return ExitCodes.NothingSent;
            }
            finally
            {
                host?.Dispose();
                if (sandbox is not null)
                {
                    await sandbox.DisposeAsync();
                }
            }
        });
        return command;
    }
}
