using System.CommandLine;
using BulkOnboard.Cli.Hosting;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using Microsoft.Extensions.DependencyInjection;

namespace BulkOnboard.Cli.Commands;

/// <summary>
/// <c>bulkonboard doctor</c>: in seconds, one line per check with what to do: Tallyfy reachable at
/// <c>Tallyfy:BaseUrl</c> and really Tallyfy, the token accepted, the organization right, the token's role,
/// the journal and the report folder. Changes nothing in Tallyfy. Exit 0 when nothing failed, else 1.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var options = new CommonOptions();
        var format = OutputOption.Create("the checks");
        var command = new Command("doctor", "Check in seconds that a run would reach Tallyfy and could do its work: base URL, token, organization, the token's role, journal, report folder. Changes nothing.")
        {
            format,
        };
        options.AddTo(command, sends: true, importOnly: true, readsNoFile: true);
        command.SetAction((parse, cancellationToken) => CommandHost.ExecuteAsync<Doctor>(
            environment,
            // With -o json, standard output is the JSON alone: the --sandbox note goes to standard error.
            () => options.BuildSendingHostAsync(parse.IsJson(format) ? environment with { Out = environment.Error } : environment, parse, cancellationToken, onlyReports: true),
            async host =>
            {
                var checks = await host.Services.GetRequiredService<Doctor>().ExamineAsync(cancellationToken);
                if (parse.IsJson(format))
                {
                    OutputOption.Write(environment.Out, checks.Select(c => new { Check = c.Name, Status = c.Status.ToString().ToLowerInvariant(), c.Line, c.Setting }));
                }
                else
                {
                    foreach (var check in checks)
                    {
                        var mark = check.Status switch { DoctorStatus.Ok => "ok  ", DoctorStatus.Warning => "warn", _ => "FAIL" };
                        environment.Out.WriteLine(BulkOnboard.Input.SafeText.Of($"{mark} {check.Name,-12} {check.Line}"));
                    }
                }

                return checks.Any(c => c.Status == DoctorStatus.Failed) ? ExitCodes.NothingSent : ExitCodes.Success;
            },
            "doctor"));
        return command;
    }
}
