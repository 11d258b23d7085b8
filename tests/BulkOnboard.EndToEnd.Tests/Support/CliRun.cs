using BulkOnboard.Cli;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests.Support;

/// <summary>What one in-process run of <c>bulkonboard</c> printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs the real command tree in-process, with settings in place of environment variables.</summary>
public static class CliRun
{
    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?>? settings, params string[] args) =>
        RunAsync(settings, args, CancellationToken.None);

    /// <summary>Runs the CLI with <paramref name="standardInput"/> as what <c>-</c> reads.</summary>
    public static Task<CliResult> RunWithInputAsync(IReadOnlyDictionary<string, string?>? settings, byte[] standardInput, params string[] args) =>
        RunAsync(settings, args, CancellationToken.None, new MemoryStream(standardInput));

    /// <summary>Runs the CLI; cancelling <paramref name="cancellationToken"/> is Ctrl+C.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?>? settings, string[] args, CancellationToken cancellationToken) =>
        await RunAsync(settings, args, cancellationToken, null);

    /// <summary>Runs the CLI on <paramref name="clock"/> instead of the system's.</summary>
    public static Task<CliResult> RunAtAsync(TimeProvider clock, IReadOnlyDictionary<string, string?>? settings, params string[] args) =>
        RunAsync(settings, args, CancellationToken.None, null, clock);

    private static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?>? settings, string[] args, CancellationToken cancellationToken, Stream? standardInput,
        TimeProvider? clock = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        // Every run gets its own journal unless the test names one: tests never touch the user's journal.
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        values.TryAdd("Journal:Path", Path.Combine(Path.GetTempPath(), "bulkonboard-e2e-journals", $"{Guid.NewGuid():N}.db"));
        var code = await BulkOnboardCli.InvokeAsync(args, new CliEnvironment(output, error, Interactive: false, values, standardInput, clock), cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Settings that point the CLI at <paramref name="sandbox"/>, with a fast pace and millisecond retries.</summary>
    public static Dictionary<string, string?> SettingsFor(SandboxServer sandbox, int requestsPerMinute = 60_000) => new()
    {
        ["Tallyfy:BaseUrl"] = sandbox.BaseUrl.ToString(),
        ["Tallyfy:OrganizationId"] = sandbox.Options.OrganizationId,
        ["Tallyfy:AccessToken"] = sandbox.Options.AccessToken,
        ["Delivery:RequestsPerMinute"] = requestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Delivery:MaxConcurrency"] = "8",
        ["Delivery:MaxAttempts"] = "12",
        ["Delivery:RetryBaseDelay"] = "00:00:00.010",
        ["Delivery:MaxRetryDelay"] = "00:00:02",
        ["Delivery:Timeout"] = "00:00:05",
    };
}
