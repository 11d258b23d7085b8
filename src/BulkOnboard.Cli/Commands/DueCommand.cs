using System.CommandLine;
using BulkOnboard.Cli.Hosting;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace BulkOnboard.Cli.Commands;

/// <summary>
/// <c>bulkonboard due</c>: carries out the dated actions that have come due (a hire's invite, a leaver's
/// deactivation), for a scheduler between imports; never one before its time.
/// </summary>
internal static class DueCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var options = new CommonOptions();
        var command = new Command("due", "Carry out the dated actions that have come due: invites and creates of hires whose start is near, deactivations and removals of leavers whose last day is over (within the sync guards). For a scheduler; sends nothing before its time.");
        options.AddTo(command, sends: true, importOnly: true);
        command.SetAction((parse, cancellationToken) => CommandHost.ExecuteAsync<DueRunner>(
            environment,
            () => options.BuildSendingHostAsync(environment, parse, cancellationToken),
            async host =>
            {
                var services = host.Services;
                var journal = host.RequireJournal("due", "the dated actions wait there");
                var summary = await services.GetRequiredService<DueRunner>().RunAsync(journal, services.GetRequiredService<RowSender>(),
                    services.GetRequiredService<IOptions<ImportOptions>>().Value.ReportFolder, cancellationToken);
                if (summary.Reports is null && summary.StoppedBecause is null)
                {
                    // Nothing carried out or newly held (a 15-minute timer, most of the time): no files, no notification, one line.
                    environment.Out.WriteLine(BulkOnboard.Input.SafeText.Of(
                        $"Nothing to carry out now; {(summary.NextDue is { } at ? $"next due {at}" : "nothing else is scheduled")}."));
                    return summary.ExitCode;
                }

                var console = environment.CreateConsole();
                Terminal.SummaryTable.Write(console, summary);
                console.MarkupLine(summary.NextDue is { } next ? $"Next due: {Terminal.ConsoleText.Escape(next)}" : "Nothing else is scheduled.");
                await services.GetRequiredService<RunNotifier>().NotifyAsync(RunReport.Of(summary), CancellationToken.None);
                return summary.ExitCode;
            }));
        return command;
    }
}
