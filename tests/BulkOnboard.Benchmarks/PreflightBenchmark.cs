using System.Diagnostics;
using System.Globalization;
using System.Text;
using BulkOnboard.Cli;
using BulkOnboard.Reporting;
using BulkOnboard.Sandbox;

namespace BulkOnboard.Benchmarks;

/// <summary>
/// <c>preflight</c>: 2,000 guests of which 1,500 already exist in the sandbox, client at 600 requests/min,
/// imported with <c>--no-preflight</c> and with the defaults (the listing on, as it is cheap here); prints POSTs, listing requests and time of each.
/// </summary>
internal static class PreflightBenchmark
{
    public static async Task<int> RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("bulkonboard-preflight-bench-");
        var csv = new StringBuilder("Email,First Name,Type\n");
        for (var i = 0; i < 2000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"person{i}@example.com,P{i},guest\n");
        }

        var file = Path.Combine(folder.FullName, "people.csv");
        await File.WriteAllTextAsync(file, csv.ToString());
        var (plainSeconds, plainPosts, _) = await ImportAsync(file, folder.FullName, preflight: false);
        var (preSeconds, prePosts, listing) = await ImportAsync(file, folder.FullName, preflight: true);
        Console.WriteLine("2,000 guests, 1,500 already in the sandbox, client at 600 requests/min");
        Console.WriteLine($"--no-preflight: {plainPosts:N0} POSTs, {plainSeconds:0.0} s");
        Console.WriteLine($"by default:     {prePosts:N0} POSTs + {listing} listing requests, {preSeconds:0.0} s = {100 * preSeconds / plainSeconds:0}% of the time (target under 33%)");
        folder.Delete(recursive: true);
        return 0;
    }

    private static async Task<(double Seconds, int Posts, int Listing)> ImportAsync(string file, string folder, bool preflight)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ExistingGuests = [.. Enumerable.Range(0, 1500).Select(i => $"person{i}@example.com")] });
        var settings = BenchmarkSettings.For(sandbox, requestsPerMinute: 600);
        settings["Journal:Enabled"] = "false";
        settings["Serilog:MinimumLevel:Default"] = "Warning";
        var output = Path.Combine(folder, $"out-{Guid.NewGuid():N}");
        string[] args = preflight ? ["import", file, "--out", output] : ["import", file, "--out", output, "--no-preflight"];
        var stopwatch = Stopwatch.StartNew();
        var code = await BulkOnboardCli.InvokeAsync(args, new CliEnvironment(TextWriter.Null, TextWriter.Null, Interactive: false, settings));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var summary = RunSummary.Read(Directory.GetFiles(output, "*.summary.json").Single());
        if (code != 0 || summary.Created != 500 || summary.Skipped != 1500)
        {
            throw new InvalidOperationException($"exit {code}: {summary.Created} created, {summary.Skipped} skipped");
        }

        return (seconds, sandbox.State.Requests.Count(r => r.Method == "POST"), summary.PreflightRequests ?? 0);
    }
}
