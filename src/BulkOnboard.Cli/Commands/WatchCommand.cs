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
        CommonOptions.RequireText(inbox);
        var options = new CommonOptions();
        options.Out.Description = "Folder for the report files [Watch:Reports, default <inbox>/reports]";
        var command = new Command("watch", "Import files dropped into an inbox folder, each once it is completely written; file them in done/ or failed/ with their reports. Named sources with Sources:<name>:Every are polled beside the inbox.")
        {
            inbox, once,
        };
        options.AddTo(command, sends: true);

        command.SetAction(async (parse, cancellationToken) =>
        {
            CommandHost? host = null;
            try
            {
                var settings = options.ToSettings(parse, reportFolderKey: "Watch:Reports");
                if (parse.GetValue(inbox) is { } folder)
                {
                    settings["Watch:Inbox"] = Path.GetFullPath(folder);
                }

                var runOnce = parse.GetValue(once);
                host = await CommandHost.BuildAsync(environment, parse.GetValue(options.Config), settings, parse.GetValue(options.Sandbox), sendsRequests: true,
                    LogEventLevel.Information, cancellationToken, builder =>
                    {
                        // The host waits for the run's own hard stop (Delivery:Timeout + 5 s) and its reports, however short Watch:ShutdownTimeout is.
                        // Read from the raw setting: resolving the validated DeliveryOptions here would report its problems before the start-up check names them all.
                        builder.Services.AddOptions<HostOptions>().Configure<IOptions<WatchOptions>, IConfiguration>((o, watch, configuration) =>
                            o.ShutdownTimeout = watch.Value.HostShutdownTimeout(new Configuration.DeliveryOptions
                            {
                                Timeout = TimeSpan.TryParse(configuration["Delivery:Timeout"], System.Globalization.CultureInfo.InvariantCulture, out var timeout) && timeout > TimeSpan.Zero
                                    ? timeout
                                    : new Configuration.DeliveryOptions().Timeout,
                            }));
                        if (!runOnce)
                        {
                            builder.Services.AddHostedService<WatchService>();
                            builder.Services.AddHostedService<MonitoringServer>();

                            // Under systemd (Type=notify) or the Windows Service Control Manager the host reports
                            // ready and stopping to it; run any other way, both do nothing.
                            builder.Services.AddSystemd();
                            builder.Services.AddWindowsService(o => o.ServiceName = "BulkOnboard");
                        }
                    });
                if (runOnce)
                {
                    return await host.Services.GetRequiredService<WatchProcessor>().RunOnceAsync(cancellationToken);
                }

                // RunAsync disposes the host's services: hold on to the processor, which says whether the service itself failed.
                var processor = host.Services.GetRequiredService<WatchProcessor>();
                await host.Host.RunAsync(cancellationToken);

                // The service itself failed (not one file): a non-zero exit, so that its service manager restarts it.
                if (processor.ServiceFault is { } fault)
                {
                    environment.WriteError($"the watch service stopped: {fault} (details in the log file)");
                    return ExitCodes.Aborted;
                }

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
                if (host is not null)
                {
                    await host.DisposeAsync();
                }
            }
        });
        return command;
    }
}
