using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Reporting;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// A sync killed with SIGKILL mid-apply (PRODUCT.md, "Reported as it happens"): its results.csv has a line for
/// every change that settled, each line whole, and none for a change Tallyfy does not hold.
/// </summary>
public class KilledSyncReportTests
{
    private const int Members = 20;
    private const int Guests = 20;

    [Test]
    public async Task SyncKilledMidApply_LeavesAResultsLineForEveryChangeThatSettled_AndNoOther()
    {
        using var workspace = new Workspace();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var roster = new StringBuilder("Email,First Name,Last Name,Type,Role\n");
        for (var i = 0; i < Math.Max(Members, Guests); i++)
        {
            roster.Append(i < Members ? $"m{i}@contoso.example,M,{i},member,standard\n" : string.Empty);
            roster.Append(i < Guests ? $"g{i}@partner.example,G,{i},guest,\n" : string.Empty);
        }

        var file = workspace.Write("roster.csv", roster.ToString());
        var emails = Enumerable.Range(0, Members).Select(i => $"m{i}@contoso.example").Concat(Enumerable.Range(0, Guests).Select(i => $"g{i}@partner.example")).ToHashSet();
        var output = Path.Combine(workspace.Folder, "out");
        HashSet<string> Held() => [.. sandbox.State.Members.Keys.Concat(sandbox.State.Guests.Keys).Where(emails.Contains)];

        // A slow pace (4 changes a second) keeps the apply going for about 10 s.
        using var sync = CliProcess.Start(sandbox, Path.Combine(workspace.Folder, "journal.db"), workspace.Folder, new Dictionary<string, string>
        {
            ["Delivery__RequestsPerMinute"] = "240",
            ["Delivery__MaxConcurrency"] = "4",
        }, "sync", file, "--yes", "--out", output);
        try
        {
            Assert.That(await CliProcess.WaitUntilAsync(sync, () => Held().Count >= 6, TimeSpan.FromSeconds(60)), Is.True,
                "the sync applies some of the roster: " + (sync.HasExited ? await sync.StandardError.ReadToEndAsync() : "still running"));

            // Tallyfy goes down: nothing more is created, and the changes it answered before settle. Each is on
            // disk as it settles, with the run still going (its rows wait on the breaker).
            sandbox.State.ScheduleOutage(DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
            var onDisk = await CliProcess.WaitUntilAsync(sync, () => Settled(Records(ResultsFile(output))).SetEquals(Held()), TimeSpan.FromSeconds(30));
            Assert.That(sync.HasExited, Is.False, "the run is still applying when it is killed");
            Assert.That(onDisk, Is.True, "every change Tallyfy answered is a line on disk while the run goes on");
        }
        finally
        {
            await CliProcess.KillAsync(sync);
        }

        var held = Held();
        var path = ResultsFile(output);
        var bytes = File.ReadAllBytes(path);
        var records = Records(path);
        Assert.That(held, Has.Count.InRange(6, Members + Guests - 1), "killed mid-apply");
        Assert.That(Directory.GetFiles(output, "*.summary.json"), Is.Empty, "the run never reached its end");
        var lines = Encoding.UTF8.GetString(bytes).Split("\r\n");
        Assert.That((lines.Length, lines[^1]), Is.EqualTo((records.Count + 2, string.Empty)),
            "every line is whole: the header and each record end in a line break, and nothing follows the last");
        Assert.That(records.Select(r => r.Length), Is.All.EqualTo(ResultsReport.Columns.Length));
        Assert.That(Settled(records), Is.EquivalentTo(held), "a line for every person the run put in Tallyfy, and no line claims one Tallyfy lacks");
        Assert.That(records.Where(r => r[3] is "created" or "invited").Select(r => (r[1], r[3])).Distinct(),
            Is.SubsetOf(new[] { ("member", "invited"), ("guest", "created") }));
        Assert.That(records.Select(r => r[2]), Is.Unique, "one line per change");
        TestContext.Out.WriteLine($"killed with {held.Count} of {emails.Count} people in Tallyfy; {records.Count} lines");
    }

    private static string ResultsFile(string folder) =>
        Directory.Exists(folder) && Directory.GetFiles(folder, "*.results.csv") is [var path] ? path : Path.Combine(folder, "none.results.csv");

    /// <summary>results.csv's records, read as another program would while it is written.</summary>
    private static List<string[]> Records(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }

        if (bytes.Length == 0)
        {
            return [];
        }

        using var reader = CsvHelper.CsvReader.Create(bytes);
        var records = new List<string[]>();
        foreach (var row in reader)
        {
            records.Add(row.ToArray());
        }

        Assert.That(reader.Headers, Is.EqualTo(ResultsReport.Columns));
        return records;
    }

    private static HashSet<string> Settled(List<string[]> records) =>
        [.. records.Where(r => r.Length > 3 && r[3] is "created" or "invited").Select(r => r[2])];
}
