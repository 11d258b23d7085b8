using System.CommandLine;
using BulkOnboard.Cli.Hosting;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Cli.Commands;

/// <summary>
/// <c>bulkonboard approvals</c>: reads each open approval task in Tallyfy and acts on its decision (PRODUCT.md, "Approvals
/// inside Tallyfy"): approved by an approver, exactly the held changes minus the exclusions are applied; rejected, nothing;
/// stale, a new task is asked; not decided, it waits.
/// </summary>
internal static class ApprovalsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var options = new CommonOptions();
        var command = new Command("approvals", "Read the approval tasks a sync asked in Tallyfy (Sync:Approval:Approvers) and act on each decision: apply exactly the approved held changes minus the excluded emails, apply nothing on a rejection, ask again when the roster, Tallyfy or the plan's age makes it stale; an undecided task waits. For a scheduler (the watch service does it by itself).");
        options.AddTo(command, sends: true, importOnly: true);
        command.SetAction((parse, cancellationToken) => CommandHost.ExecuteAsync<ApprovalRunner>(
            environment,
            () => options.BuildSendingHostAsync(environment, parse, cancellationToken),
            async host =>
            {
                var services = host.Services;
                var journal = host.RequireJournal("approvals", "it keeps the approval tasks asked");
                var outcome = await services.GetRequiredService<ApprovalRunner>().RunAsync(journal, services.GetRequiredService<RowSender>(),
                    services.GetRequiredService<IOptions<ImportOptions>>().Value.ReportFolder, cancellationToken);
                foreach (var line in outcome.Lines)
                {
                    environment.Out.WriteLine(BulkOnboard.Input.SafeText.Of(line));
                }

                return outcome.ExitCode;
            }));
        return command;
    }
}
