namespace BulkOnboard.Cli;

/// <summary>
/// Where the CLI writes and what it may assume about the terminal. The real process uses the console;
/// end-to-end tests pass writers and settings of their own and run the CLI in-process.
/// </summary>
/// <param name="Settings">Configuration that ranks just above environment variables (tests use it instead of the process environment).</param>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, bool Interactive, IReadOnlyDictionary<string, string?>? Settings = null)
{
    public static CliEnvironment FromConsole() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null);

    /// <summary>Writes the one-line error every bad input gets.</summary>
    public void WriteError(string message) => Error.WriteLine($"bulkonboard: error: {message}");
}
