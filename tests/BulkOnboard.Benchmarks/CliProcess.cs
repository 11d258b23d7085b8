using System.Diagnostics;
using System.Globalization;
using BulkOnboard.Reporting;
using BulkOnboard.Sandbox;

namespace BulkOnboard.Benchmarks;

/// <summary>
/// Runs the CLI as a child process against a sandbox, as production runs it: this build's
/// <c>bulkonboard.dll</c>, or another build's (<c>BENCH_BASELINE</c>: the path of an earlier main's
/// <c>bulkonboard.dll</c>) for figures side by side in one sitting.
/// </summary>
internal static class CliProcess
{
    /// <summary>This build's CLI.</summary>
    public static string Current { get; } = Path.Combine(AppContext.BaseDirectory, "bulkonboard.dll");

    /// <summary>The earlier build to measure beside this one, when <c>BENCH_BASELINE</c> names it.</summary>
    public static string? Baseline { get; } = Environment.GetEnvironmentVariable("BENCH_BASELINE") is { Length: > 0 } path && File.Exists(path) ? path : null;

    /// <summary>This build, then the baseline when there is one.</summary>
    public static IEnumerable<(string Label, string Dll)> Builds()
    {
        yield return ("now", Current);
        if (Baseline is { } baseline)
        {
            yield return ("baseline", baseline);
        }
    }

    /// <summary>Runs <c>bulkonboard ARGS --out OUTPUT</c>; its summary (when it wrote one) and its log.</summary>
    public static async Task<(RunSummary? Summary, string Log, int ExitCode)> RunAsync(string dll, SandboxServer sandbox, string output, int clientPerMinute, string timeout,
        Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll }.Concat(args).Concat(["--out", output]))
        {
            start.ArgumentList.Add(arg);
        }

        var server = new SandboxOptions();
        start.Environment["Tallyfy__BaseUrl"] = sandbox.BaseUrl.ToString();
        start.Environment["Tallyfy__OrganizationId"] = server.OrganizationId;
        start.Environment["Tallyfy__AccessToken"] = server.AccessToken;
        start.Environment["Delivery__RequestsPerMinute"] = clientPerMinute.ToString(CultureInfo.InvariantCulture);
        start.Environment["Delivery__MaxConcurrency"] = "8";
        start.Environment["Delivery__MaxAttempts"] = "10";
        start.Environment["Delivery__Timeout"] = timeout;
        start.Environment["Delivery__RetryBaseDelay"] = "00:00:00.200";
        start.Environment["Journal__Enabled"] = environment.ContainsKey("Journal__Path") ? "true" : "false";
        start.Environment["CI"] = "true";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var log = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var summary = Directory.Exists(output) ? Directory.GetFiles(output, "*.summary.json").SingleOrDefault() : null;
        return (summary is null ? null : RunSummary.Read(summary), await log + await stdout, process.ExitCode);
    }
}
