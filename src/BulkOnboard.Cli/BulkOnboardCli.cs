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
            ApprovalsCommand.Create(environment),
            DoctorCommand.Create(environment),
        };

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static async Task<int> InvokeAsync(string[] args, CliEnvironment? environment = null, CancellationToken cancellationToken = default)
    {
        environment ??= CliEnvironment.FromConsole();
        var root = CreateRootCommand(environment);
        if (args.Contains("--version", StringComparer.Ordinal))
        {
            // On every command, before anything else is checked: a version needs no credentials.
            environment.Out.WriteLine($"bulkonboard {Version}");
            return ExitCodes.Success;
        }

        if (args.Length == 0)
        {
            environment.WriteError($"no command given; the commands are {string.Join(", ", root.Subcommands.Select(c => c.Name))} (see 'bulkonboard --help')");
            return ExitCodes.NothingSent;
        }

        if (!args[0].StartsWith('-') && root.Subcommands.All(c => c.Name != args[0]))
        {
            var nearest = root.Subcommands.Select(c => c.Name).MinBy(name => Distance(name, args[0]))!;
            var suggestion = $"; the nearest is '{nearest}'";
            environment.WriteError($"unknown command '{BulkOnboard.Input.SafeText.Of(args[0])}'{suggestion} (commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}; see 'bulkonboard --help')");
            return ExitCodes.NothingSent;
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One clear line, not a page of help: scripts log stderr. A command run without its <file> says what it needs.
            var command = parse.CommandResult.Command;
            environment.WriteError(command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0) is { } needed && parse.GetResult(needed) is null or { Tokens.Count: 0 }
                ? $"{command.Name} needs a <{needed.Name}> (a path, -, a URL, or a source's name); see 'bulkonboard {command.Name} --help'"
                : $"{parse.Errors[0].Message} (see 'bulkonboard --help')");
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

    /// <summary>The informational version of the executable (what <c>--version</c> prints).</summary>
    public static string Version =>
        typeof(BulkOnboardCli).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? typeof(BulkOnboardCli).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Levenshtein distance, ignoring case: how far a mistyped command is from a real one.</summary>
    private static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
