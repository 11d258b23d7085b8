using System.Diagnostics;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Journal;
using BulkOnboard.Sandbox;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>A journal write that fails with something SQLite never throws: the run stops within seconds, exit 3, every row reported, nothing sent that the journal did not mark first.</summary>
public class JournalWriterFailureTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _journal = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _journal = Path.Combine(_workspace.Folder, "journal", "journal.db");
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = _journal;
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _workspace.Dispose();
    }

    [Test]
    public async Task AJournalWriteThatThrowsAnIOException_StopsTheRunWithinSeconds_Exit3_EveryRowReported()
    {
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Role\n");
        for (var i = 0; i < 60; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"p{i}@contoso.example,P,{i},member,standard\n");
        }

        var file = _workspace.Write("people.csv", csv.ToString());
        var writes = 0;
        using var fault = JournalWriteFaults.Inject(_journal, () => Interlocked.Increment(ref writes) == 20 ? new IOException("No space left on device") : null);

        // A writer that hung would hang this run: the guard fails the test instead (a bound, not a wait).
        var took = Stopwatch.StartNew();
        var result = await CliRun.RunAsync(_settings, "import", file, "--no-preflight", "--out", _workspace.ReportFolder).WaitAsync(TimeSpan.FromSeconds(30));
        took.Stop();

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(took.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        var lines = _workspace.Reports.Results();
        Assert.That(lines.Select(l => l.Row), Is.EqualTo(Enumerable.Range(2, 60)), "every row once, in input order");
        Assert.That(lines.Count(l => l.Outcome == "not_attempted"), Is.GreaterThan(0));
        Assert.That(_workspace.Reports.Summary.StoppedBecause, Does.Contain("could not be written (IOException: No space left on device)"));

        // No request went out whose fate the journal cannot tell: each was marked in flight before it was sent.
        var sent = _sandbox.State.Requests.Where(r => r.Method == "POST").Select(r => r.Email!.ToLowerInvariant()).ToList();
        using var connection = new SqliteConnection($"Data Source={_journal};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT email FROM people;";
        var journaled = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                journaled.Add(reader.GetString(0));
            }
        }

        Assert.That(sent, Is.Not.Empty);
        Assert.That(sent, Is.SubsetOf(journaled));
    }
}
