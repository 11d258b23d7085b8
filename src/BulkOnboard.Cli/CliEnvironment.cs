namespace BulkOnboard.Cli;

/// <summary>
/// Where the CLI writes and what it may assume about the terminal. The real process uses the console;
/// end-to-end tests pass writers and settings of their own and run the CLI in-process.
/// </summary>
/// <param name="Settings">Configuration that ranks just above environment variables (tests use it instead of the process environment).</param>
/// <param name="In">What <c>-</c> reads (standard input); <c>null</c>: the process's own.</param>
/// <param name="Clock">The clock every command runs on; <c>null</c>: the system's. Tests move it on (a hire's start date comes) without waiting.</param>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, bool Interactive, IReadOnlyDictionary<string, string?>? Settings = null, Stream? In = null,
    TimeProvider? Clock = null)
{
    public static CliEnvironment FromConsole() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null);

    /// <summary>
    /// A Spectre console on <see cref="Out"/>. Redirected output (logs, scripts) gets no colour codes and a
    /// wide page, so tables are not wrapped to 80 columns.
    /// </summary>
    public Spectre.Console.IAnsiConsole CreateConsole()
    {
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(Out),
            Interactive = Interactive ? Spectre.Console.InteractionSupport.Yes : Spectre.Console.InteractionSupport.No,
            Ansi = Interactive ? Spectre.Console.AnsiSupport.Detect : Spectre.Console.AnsiSupport.No,
        });
        if (!Interactive)
        {
            console.Profile.Width = 200;
        }

        return console;
    }

    /// <summary>Writes the one-line error every bad input gets; control characters in it (from a file name, a header, the API) are escaped, so it stays one line.</summary>
    public void WriteError(string message) => Error.WriteLine($"bulkonboard: error: {BulkOnboard.Input.SafeText.Of(message)}");
}
