using System.Net;
using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using BulkOnboard.Tests.Support;
using Microsoft.Data.Sqlite;
using static BulkOnboard.Tests.Support.SyncHarness;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>What a sync leaves in the journal's runs: it starts its run once Tallyfy has been listed, so a listing that fails leaves no run without an end.</summary>
public class SyncRunnerJournalTests
{
    private const string Roster = "Email,First Name,Last Name,Type,Role\nnew@x.example,New,Joiner,member,standard\n";

    private SyncHarness _sync = null!;

    [SetUp]
    public void SetUp() => _sync = new SyncHarness();

    [TearDown]
    public void TearDown() => _sync.Dispose();

    [TestCase("users")]
    [TestCase("guests")]
    [TestCase("groups")]
    public void AListingThatFails_StopsTheSync_AndLeavesNoRunWithoutAnEnd(string failing)
    {
        foreach (var listing in new[] { "users", "guests", "groups" })
        {
            _sync.Seen.Reply(HttpMethod.Get, listing, listing == failing ? HttpStatusCode.InternalServerError : HttpStatusCode.OK, Listing([]));
        }

        // The groups are listed when BulkOnboard manages a membership, or the roster has a groups column.
        var roster = failing == "groups" ? Roster.Replace("Role\n", "Role,Groups\n", StringComparison.Ordinal).Replace("standard\n", "standard,Sales\n", StringComparison.Ordinal) : Roster;

        Assert.ThrowsAsync<InputException>(() => _sync.RunAsync(SyncMode.Plan, _sync.Roster(roster)));

        Assert.That(_sync.Seen.Lines, Does.Contain($"GET {failing}?page=1&per_page=100" + (failing == "groups" ? "&with=users,guests" : string.Empty)), "the failing listing was asked for");
        Assert.That(Scalar("SELECT COUNT(*) FROM runs WHERE ended_at IS NULL;"), Is.Zero, "no run without an end");
        Assert.That(Scalar("SELECT COUNT(*) FROM runs;"), Is.Zero, "no run at all: nothing was planned");
        Assert.That(Scalar("SELECT COUNT(*) FROM run_lock;"), Is.Zero, "and the lock was given back");
    }

    [Test]
    public async Task ASyncWhoseListingsSucceed_StartsItsRunAfterThem_AndEndsIt()
    {
        _sync.Lists([]);

        var outcome = await _sync.RunAsync(SyncMode.Plan, _sync.Roster(Roster));

        Assert.That(outcome.Summary.RunId, Is.EqualTo(1L));
        Assert.That(Scalar("SELECT COUNT(*) FROM runs WHERE command = 'sync' AND ended_at IS NOT NULL;"), Is.EqualTo(1L));
        Assert.That(File.ReadAllText(outcome.PlanJson), Does.Contain("\"run_id\": 1"));
    }

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_sync.JournalPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
