using System.Diagnostics;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests.Support;

/// <summary>
/// The built CLI as a child process pointed at a sandbox: what a test kills (SIGKILL, no cleanup) needs a
/// process of its own. Settings are environment variables (<c>Section__Key</c>); standard output is drained,
/// standard error is left for the test to read.
/// </summary>
internal static class CliProcess
{
    public static Process Start(SandboxServer sandbox, string journal, string workingDirectory, IReadOnlyDictionary<string, string>? settings, params string[] args) =>
        Start(sandbox, journal, workingDirectory, settings, redirectInput: false, args);

    /// <param name="redirectInput">Standard input is a pipe the test writes (what <c>-</c> reads) and closes.</param>
    public static Process Start(SandboxServer sandbox, string journal, string workingDirectory, IReadOnlyDictionary<string, string>? settings, bool redirectInput, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = redirectInput, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bulkonboard.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Tallyfy__BaseUrl"] = sandbox.BaseUrl.ToString();
        start.Environment["Tallyfy__OrganizationId"] = sandbox.Options.OrganizationId;
        start.Environment["Tallyfy__AccessToken"] = sandbox.Options.AccessToken;
        start.Environment["Journal__Path"] = journal;
        start.Environment["CI"] = "true";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, the process ends, or <paramref name="timeout"/> passes; whether it held.</summary>
    public static async Task<bool> WaitUntilAsync(Process process, Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                return condition();
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>SIGKILL to the process and its children: no cleanup, no report put in order, no summary.</summary>
    public static async Task KillAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}
