using System.Diagnostics;
using System.Globalization;
using System.Text;
using BulkOnboard.Sandbox;

namespace BulkOnboard.Benchmarks;

/// <summary>
/// <c>watch-memory</c>: the watch service (a child process) imports 10 files, then up to 200, then 400
/// (50 rows each); prints its resident set at each point.
/// </summary>
internal static class WatchMemoryBenchmark
{
    public static async Task<int> RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("bulkonboard-watch-bench-");
        var inbox = Path.Combine(folder.FullName, "inbox");
        Directory.CreateDirectory(inbox);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var settings = BenchmarkSettings.For(sandbox, requestsPerMinute: 600_000);
        settings["Delivery:MaxConcurrency"] = "8";
        settings["Journal:Path"] = Path.Combine(folder.FullName, "journal.db");
        settings["Watch:SettleTime"] = "00:00:00.100";
        settings["Watch:ScanInterval"] = "00:00:00.200";
        settings["Import:DefaultKind"] = "guest";
        settings["Serilog:MinimumLevel:Default"] = "Warning";
        // The service runs in a child process, so its memory is not mixed with the sandbox's (which keeps every guest).
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bulkonboard.dll"));
        start.ArgumentList.Add("watch");
        start.ArgumentList.Add("--inbox");
        start.ArgumentList.Add(inbox);
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var service = Process.Start(start)!;
        service.OutputDataReceived += (_, _) => { };
        service.ErrorDataReceived += (_, _) => { };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();

        await DropAndWaitAsync(inbox, 0, 10);
        await Task.Delay(2000);
        var afterTen = ResidentMb(service.Id);
        await DropAndWaitAsync(inbox, 10, 200);
        await Task.Delay(2000);
        var afterAll = ResidentMb(service.Id);
        await DropAndWaitAsync(inbox, 200, int.Parse(Environment.GetEnvironmentVariable("WATCH_FILES") ?? "400", CultureInfo.InvariantCulture));
        await Task.Delay(2000);
        var afterMore = ResidentMb(service.Id);
        service.Kill();
        await service.WaitForExitAsync();

        Console.WriteLine($"watch service (child process), 50 rows a file: resident set after 10 files {afterTen:0} MB, after 200 files {afterAll:0} MB, after {Directory.GetFiles(Path.Combine(inbox, "done")).Length} files {afterMore:0} MB ({sandbox.State.Guests.Count:N0} guests created)");
        folder.Delete(recursive: true);
        return 0;
    }

    private static async Task DropAndWaitAsync(string inbox, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var csv = new StringBuilder("Email,First Name\n");
            for (var row = 0; row < 50; row++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"f{i}r{row}@example.com,R{row}\n");
            }

            await File.WriteAllTextAsync(Path.Combine(inbox, $"drop{i:000}.csv"), csv.ToString());
        }

        var done = Path.Combine(inbox, "done");
        var deadline = Stopwatch.StartNew();
        while ((!Directory.Exists(done) || Directory.GetFiles(done).Length < to) && deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(100);
        }
    }

    private static double ResidentMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
