using System.CommandLine;
using BulkOnboard.Cli.Commands;
using BulkOnboard.Reporting;

namespace BulkOnboard.Cli;

/// <summary>The command tree of <c>bulkonboard</c>.</summary>
public static class BulkOnboardCli
{
    public static RootCommand CreateRootCommand(CliEnvironment environment) =>
        new("Onboard people into a Tallyfy organization in bulk, from CSV or Excel files of guests and members.")
        {
            ImportCommand.Create(environment, BulkOnboard.Pipeline.RunMode.Import),
            ImportCommand.Create(environment, BulkOnboard.Pipeline.RunMode.Validate),
            SandboxCommand.Create(environment),
            WatchCommand.Create(environment),
            HistoryCommand.Create(environment),
            InspectCommand.Create(environment),
            SyncCommand.Create(environment),
            DueCommand.Create(environment),
        };

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static async Task<int> InvokeAsync(string[] args, CliEnvironment? environment = null, CancellationToken cancellationToken = default)
    {
        environment ??= CliEnvironment.FromConsole();
        var parse = CreateRootCommand(environment).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One clear line, not a page of help: scripts log stderr.
            environment.WriteError($"{parse.Errors[0].Message} (see 'bulkonboard --help')");
            return ExitCodes.NothingSent;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = environment.Out,
                Error = environment.Error,
                EnableDefaultExceptionHandler = false,

                // Ctrl+C / SIGTERM cancel the run's token; the run finishes what is in flight, writes its reports, exits 3.
                ProcessTerminationTimeout = TimeSpan.FromMinutes(2),
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            // A bug, not a user error: still one line on the console, never a stack trace.
            environment.WriteError($"unexpected {ex.GetType().Name}: {ex.Message}");
            return ExitCodes.NothingSent;
        }
    }
}
