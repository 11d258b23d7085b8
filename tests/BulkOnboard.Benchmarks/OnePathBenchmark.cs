using System.Globalization;
using System.Text;
using BulkOnboard.Sandbox;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Benchmarks;

/// <summary>
/// N: issue #30's measure of one path for every change. 60 guest joiners listed first and 300 member
/// joiners, under Tallyfy's guest cap (here 10 per 20 s, its 429 body, no headers) and burst protection
/// of 10 a second; client 600/min, 8 workers. The same people through three paths: <c>sync --yes</c>,
/// an import of 20,000 rows (the 60 guests first, 19,640 invalid rows, the 300 members last: the report
/// window must not hold the members behind the capped guests) and <c>due</c> with all 360 hires due at
/// once. For each: when the last member was invited (target 45 s) and when the last guest was created,
/// against the cap's minimum (the tenth accepted guest, then five more windows; target within 10%).
/// With <c>BENCH_BASELINE</c> set, the earlier build runs each path right after this one.
/// </summary>
internal static class OnePathBenchmark
{
    private const int Guests = 60;
    private const int Members = 300;

    public static async Task RunAsync(string folder)
    {
        Console.WriteLine($"N: guest cap 10 per 20 s (429 body, no headers), burst 10/s; client 600/min, 8 workers; {Guests} guests listed first, {Members} members");
        foreach (var (path, run) in new (string, Func<string, SandboxServer, string, Task<(int Exit, string Log)>>)[]
        {
            ("sync", SyncAsync),
            ("import of 20,000 rows", ImportAsync),
            ("due", DueAsync),
        })
        {
            foreach (var (label, dll) in CliProcess.Builds())
            {
                await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { GuestCap = "10/20s", BurstLimit = "10/1s", SendRateLimitHeaders = false });
                var work = Path.Combine(folder, $"n-{Guid.NewGuid():N}");
                Directory.CreateDirectory(work);
                var (exit, log) = await run(dll, sandbox, work);
                Report($"{path} ({label})", sandbox, exit, log);
            }
        }
    }

    private static void Report(string name, SandboxServer sandbox, int exit, string log)
    {
        // The phase measured starts at its first write: a due run's earlier import only scheduled.
        var writes = sandbox.State.Requests.Where(r => r.Method == "POST").ToList();
        if (writes.Count == 0)
        {
            Console.WriteLine($"  {name}: exit {exit}, no write reached the server\n{log}");
            return;
        }

        var start = writes.Min(r => r.At);
        var invites = writes.Where(r => r.Path.EndsWith("/invite", StringComparison.Ordinal) && r.Status == 201).Select(r => r.At).Order().ToList();
        var creates = writes.Where(r => r.Path.EndsWith("/guests", StringComparison.Ordinal)).ToList();
        var accepted = creates.Where(r => r.Status == 201).Select(r => r.At).Order().ToList();
        var guests = sandbox.State.Guests.Count;
        var members = sandbox.State.Members.Count;
        var lastMember = invites.Count > 0 ? (invites[^1] - start).TotalSeconds : double.NaN;
        var line = $"  {name}: exit {exit}; Tallyfy holds {guests} guests, {members} members; last member invited at {lastMember:0.0} s";
        if (accepted.Count >= 10)
        {
            var minimum = accepted[9] - start + TimeSpan.FromSeconds(5 * 20);
            var lastGuest = accepted[^1] - start;
            line += $"; last guest created at {lastGuest.TotalSeconds:0.0} s, the cap's minimum {minimum.TotalSeconds:0.0} s = {100 * lastGuest / minimum:0.0}% of it";
        }

        Console.WriteLine(line + $"; guest 429s {creates.Count(r => r.Status == 429)}, other 429s {writes.Count(r => r.Status == 429) - creates.Count(r => r.Status == 429)}");
        if (guests != Guests || members != Members)
        {
            Console.WriteLine("  (not everyone was onboarded; the run's log follows)\n" + log);
        }
    }

    private static string People(string work, int invalid, string startDate = "")
    {
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Role,Start Date\n");
        for (var g = 0; g < Guests; g++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"guest{g}@partner.example,Gue,St{g},guest,,{startDate}\n");
        }

        for (var i = 0; i < invalid; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"not-an-email-{i},In,Valid,member,standard,{startDate}\n");
        }

        for (var m = 0; m < Members; m++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"member{m}@contoso.example,Mem,Ber{m},member,standard,{startDate}\n");
        }

        var file = Path.Combine(work, "people.csv");
        File.WriteAllText(file, csv.ToString());
        return file;
    }

    private static Dictionary<string, string> Journal(string work) => new() { ["Journal__Path"] = Path.Combine(work, "journal.db") };

    private static async Task<(int, string)> SyncAsync(string dll, SandboxServer sandbox, string work)
    {
        var (_, log, exit) = await CliProcess.RunAsync(dll, sandbox, Path.Combine(work, "out"), 600, "00:00:30", Journal(work), "sync", People(work, 0), "--yes");
        return (exit, log);
    }

    private static async Task<(int, string)> ImportAsync(string dll, SandboxServer sandbox, string work)
    {
        var (_, log, exit) = await CliProcess.RunAsync(dll, sandbox, Path.Combine(work, "out"), 600, "00:00:30", Journal(work), "import", People(work, 20_000 - Guests - Members));
        return (exit, log);
    }

    private static async Task<(int, string)> DueAsync(string dll, SandboxServer sandbox, string work)
    {
        var later = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var (_, scheduleLog, scheduled) = await CliProcess.RunAsync(dll, sandbox, Path.Combine(work, "scheduled"), 600, "00:00:30", Journal(work), "import", People(work, 0, later));
        if (scheduled != 0)
        {
            return (scheduled, scheduleLog);
        }

        // The clock moves on to their start: the journal's due times move back instead.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(work, "journal.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE due_actions SET due_at = $past WHERE state = 'pending';";
            command.Parameters.AddWithValue("$past", DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
        }

        var (_, log, exit) = await CliProcess.RunAsync(dll, sandbox, Path.Combine(work, "out"), 600, "00:00:30", Journal(work), "due");
        return (exit, log);
    }
}
