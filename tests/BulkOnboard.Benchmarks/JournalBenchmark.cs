using System.Diagnostics;
using System.Globalization;
using System.Text;
using BulkOnboard.Cli;
using BulkOnboard.Reporting;
using BulkOnboard.Sandbox;

namespace BulkOnboard.Benchmarks;

/// <summary>
/// <c>journal [rows]</c>: the same import against an unlimited sandbox (2 ms latency) with the journal
/// off and on, alternating, three times each; prints each run and the median overhead.
/// </summary>
internal static class JournalBenchmark
{
    public static async Task<int> RunAsync(int rows)
    {
        var folder = Directory.CreateTempSubdirectory("bulkonboard-journal-bench-");
        var csv = new StringBuilder("Email,First Name,Type\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"person{i}@example.com,P{i},guest\n");
        }

        var file = Path.Combine(folder.FullName, "people.csv");
        await File.WriteAllTextAsync(file, csv.ToString());
        var off = new List<double>();
        var on = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            off.Add(await ImportAsync(file, folder.FullName, journal: false));
            on.Add(await ImportAsync(file, folder.FullName, journal: true));
        }

        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Console.WriteLine($"{rows:N0} rows, unlimited sandbox, 2 ms latency, concurrency 8");
        Console.WriteLine($"journal off: {string.Join(", ", off.Select(s => $"{s:0.00} s"))}  median {Median(off):0.00} s = {rows / Median(off):N0} rows/s");
        Console.WriteLine($"journal on : {string.Join(", ", on.Select(s => $"{s:0.00} s"))}  median {Median(on):0.00} s = {rows / Median(on):N0} rows/s");
        Console.WriteLine($"overhead   : {100 * (Median(on) / Median(off) - 1):+0.0;-0.0}% (target at most +10%)");
        folder.Delete(recursive: true);
        return 0;
    }

    private static async Task<double> ImportAsync(string file, string folder, bool journal)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Latency = TimeSpan.FromMilliseconds(2) });
        var settings = BenchmarkSettings.For(sandbox, requestsPerMinute: 600_000);
        settings["Delivery:MaxConcurrency"] = "8";
        settings["Journal:Enabled"] = journal ? "true" : "false";
        settings["Journal:Path"] = Path.Combine(folder, $"journal-{Guid.NewGuid():N}.db");
        settings["Serilog:MinimumLevel:Default"] = "Warning";
        var output = Path.Combine(folder, $"out-{Guid.NewGuid():N}");
        var stopwatch = Stopwatch.StartNew();
        var code = await BulkOnboardCli.InvokeAsync(["import", file, "--out", output], new CliEnvironment(TextWriter.Null, TextWriter.Null, Interactive: false, settings));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var summary = RunSummary.Read(Directory.GetFiles(output, "*.summary.json").Single());
        if (code != 0 || summary.Created != sandbox.State.Guests.Count)
        {
            throw new InvalidOperationException($"import exited {code}: {summary.Created} created, sandbox holds {sandbox.State.Guests.Count}");
        }

        return seconds;
    }
}
