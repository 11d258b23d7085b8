using System.CommandLine;
using BulkOnboard.Cli.Hosting;
using BulkOnboard.Journal;
using BulkOnboard.Reporting;
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
        var kind = new Option<string?>("--kind") { Description = "Kind of rows in files without a kind column: guest or member [Import:DefaultKind]" };
        var config = new Option<string?>("--config") { Description = "Extra JSON settings file" };
        var command = new Command("watch", "Import files dropped into an inbox folder, each once it is completely written; file them in done/ or failed/ with their reports.")
        {
            inbox, once, kind, config,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            IHost? host = null;
            try
            {
                var builder = CliHost.CreateBuilder(environment, parse.GetValue(config));
                var settings = new Dictionary<string, string?>();
                if (parse.GetValue(inbox) is { } folder)
                {
                    settings["Watch:Inbox"] = Path.GetFullPath(folder);
                }

                if (parse.GetValue(kind) is { } defaultKind)
                {
                    settings["Import:DefaultKind"] = defaultKind;
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
            catch (OptionsValidationException ex)
            {
                environment.WriteError(string.Join("; ", ex.Failures));
                return ExitCodes.NothingSent;
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("Failed to convert configuration value", StringComparison.Ordinal))
            {
                environment.WriteError(CliHost.DescribeBindingFailure(ex));
                return ExitCodes.NothingSent;
            }
            catch (Exception ex) when (ex is CliException or InvalidDataException or JournalUnavailableException or UnauthorizedAccessException or IOException)
            {
                environment.WriteError(ex.Message);
                return ExitCodes.NothingSent;
            }
            finally
            {
                host?.Dispose();
            }
        });
        return command;
    }
}
