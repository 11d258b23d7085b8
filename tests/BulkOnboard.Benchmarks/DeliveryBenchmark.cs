using System.Diagnostics;
using System.Globalization;
using System.Text;
using BulkOnboard.Reporting;
using BulkOnboard.Sandbox;

namespace BulkOnboard.Benchmarks;

/// <summary>
/// <c>delivery</c>: the import (a child process, as in production) against the sandbox in four
/// scenarios; prints achieved requests/min against the configured and the server's limit, 429s,
/// retries, whether the report matches the server, and client CPU per 1,000 rows.
/// </summary>
internal static class DeliveryBenchmark
{
    public static async Task<int> RunAsync(string scenarios = "ABCDF")
    {
        var folder = Directory.CreateTempSubdirectory("bulkonboard-delivery-bench-");
        _only = scenarios.ToUpperInvariant();
        await ScenarioAsync(folder.FullName, "A: server 600/min, 100 ms latency, client at 600", 1000,
            new SandboxOptions { RequestsPerMinute = 600, Latency = TimeSpan.FromMilliseconds(100) }, clientPerMinute: 600);
        await ScenarioAsync(folder.FullName, "B: server 600/min, 100 ms latency, client at 1200 (twice the limit)", 1000,
            new SandboxOptions { RequestsPerMinute = 600, Latency = TimeSpan.FromMilliseconds(100) }, clientPerMinute: 1200);
        await ScenarioAsync(folder.FullName, "C: unlimited server, 10% 503, 5% dropped, 2% applied-but-lost, 1% slower than the 2 s timeout", 1000,
            new SandboxOptions { FailureRate = 0.10, DropRate = 0.05, LostResponseRate = 0.02, SlowRate = 0.01, SlowLatency = TimeSpan.FromSeconds(3), Seed = 7 },
            clientPerMinute: 600_000, timeout: "00:00:02");
        await ScenarioAsync(folder.FullName, "D: unlimited server, 2 ms latency, 20,000 rows", 20_000,
            new SandboxOptions { Latency = TimeSpan.FromMilliseconds(2) }, clientPerMinute: 600_000);
        if (_only.Contains('F', StringComparison.Ordinal))
        {
            // The floor: what any client built on HttpClient costs here, with nothing of BulkOnboard's.
            await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Latency = TimeSpan.FromMilliseconds(2) });
            Console.WriteLine("F: the floor: a bare HttpClient, 8 loops posting 20,000 guests to the same server as D");
            Console.WriteLine($"  {Measure.Child("child-http-floor", sandbox.BaseUrl.ToString(), "20000").Trim()}");
        }

        folder.Delete(recursive: true);
        return 0;
    }

    /// <summary>In its own process: 8 loops posting guests with a bare HttpClient; prints the process's CPU per 1,000 requests.</summary>
    public static async Task ChildHttpFloorAsync(string baseUrl, int requests)
    {
        // The same base address and headers as the real client, and nothing else of it.
        var server = new SandboxOptions();
        using var http = new HttpClient();
        BulkOnboard.Delivery.TallyfyClient.Configure(http, new BulkOnboard.Configuration.TallyfyOptions { BaseUrl = baseUrl });
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.AccessToken);
        var path = $"organizations/{server.OrganizationId}/guests";
        var next = -1;
        var created = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                using var content = new StringContent($$"""{"email":"floor{{i}}@example.com","first_name":"F{{i}}"}""", Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(path, content);
                await response.Content.ReadAsStringAsync();
                if (response.StatusCode == System.Net.HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref created);
                }
            }
        }));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        Console.WriteLine($"{requests} requests ({created} answered 201) in {stopwatch.Elapsed.TotalSeconds:0.0} s; process CPU {cpu:0.00} s = {cpu / (requests / 1000.0):0.000} s per 1,000 requests");
    }

    private static string _only = "ABCDF";

    private static async Task ScenarioAsync(string folder, string name, int rows, SandboxOptions server, int clientPerMinute, string timeout = "00:00:30")
    {
        if (!_only.Contains(name[0], StringComparison.Ordinal))
        {
            return;
        }

        await using var sandbox = await SandboxServer.StartAsync(server);
        var csv = new StringBuilder("Email,First Name,Last Name,Type\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"p{i}@example.com,P{i},Q{i},{(i % 5 == 0 ? "member" : "guest")}\n");
        }

        var file = Path.Combine(folder, $"rows-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv.ToString());
        var output = Path.Combine(folder, $"out-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "bulkonboard.dll"), "import", file, "--out", output })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Tallyfy__BaseUrl"] = sandbox.BaseUrl.ToString();
        start.Environment["Tallyfy__OrganizationId"] = server.OrganizationId;
        start.Environment["Tallyfy__AccessToken"] = server.AccessToken;
        start.Environment["Delivery__RequestsPerMinute"] = clientPerMinute.ToString(CultureInfo.InvariantCulture);
        start.Environment["Delivery__MaxConcurrency"] = "8";
        start.Environment["Delivery__MaxAttempts"] = "10";
        start.Environment["Delivery__Timeout"] = timeout;
        start.Environment["Delivery__RetryBaseDelay"] = "00:00:00.200";
        start.Environment["Journal__Enabled"] = "false";
        start.Environment["CI"] = "true";
        using var process = Process.Start(start)!;
        var log = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var summary = RunSummary.Read(Directory.GetFiles(output, "*.summary.json").Single());
        var minutes = summary.ElapsedMs / 60_000.0;
        var perMinute = summary.Requests / minutes;
        var held = sandbox.State.Guests.Count + sandbox.State.Members.Count;
        var applied = sandbox.State.Requests.Where(r => r.Applied).GroupBy(r => r.Email).Max(g => g.Count());
        var paceChanges = (await log).Split('\n').Count(l => l.Contains("Pacing:", StringComparison.Ordinal));
        Console.WriteLine(name);
        Console.WriteLine($"  exit {summary.ExitCode}: {summary.Created} created, {summary.Invited} invited, {summary.Skipped} skipped, {summary.Failed} failed, {summary.NotAttempted} not attempted in {summary.ElapsedMs / 1000.0:0.0} s");
        Console.WriteLine($"  {summary.Requests} requests = {perMinute:0}/min (configured {clientPerMinute}{(server.RequestsPerMinute > 0 ? $", server limit {server.RequestsPerMinute} = {100 * perMinute / server.RequestsPerMinute:0}% of it" : string.Empty)})");
        Console.WriteLine($"  429s {summary.RateLimited} ({100.0 * summary.RateLimited / summary.Requests:0.0}% of requests), retries {summary.Retries}, pace changes logged {paceChanges}");
        Console.WriteLine($"  report matches the server: {summary.Created + summary.Invited + summary.Skipped == held && held == rows}; most times one email was applied: {applied}");
        Console.WriteLine($"  client CPU {summary.CpuMs / 1000.0:0.00} s = {summary.CpuMs / 1000.0 / (rows / 1000.0):0.000} s per 1,000 rows");
    }
}
