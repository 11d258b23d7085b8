using System.Globalization;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Secrets Tallyfy hands out stay secret: a guest's login-bypassing <c>link</c> reaches no report, log line or journal table.</summary>
public class SecretsTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task ARunOver300GuestsWithLinks_LeavesNoLinkTokenInReportsLogsOrTheJournal()
    {
        // 100 guests exist (found by the preflight listing, read back by --on-existing update), 200 are created;
        // some answers are lost, so created guests are read back too. Every one of those answers carries a link.
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { LostResponseRate = 0.1, Seed = 20 });
        var seededAt = DateTimeOffset.UtcNow.AddDays(-30);
        for (var i = 0; i < 100; i++)
        {
            var email = $"g{i}@partner.example";
            sandbox.State.Guests[email] = new SandboxPerson(sandbox.State.NextMemberId().ToString(CultureInfo.InvariantCulture), "guest", email,
                new Dictionary<string, string?> { ["first_name"] = "Old" }, seededAt);
        }

        var csv = new StringBuilder("Email,First Name,Last Name,Type,Company\n");
        for (var i = 0; i < 300; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"g{i}@partner.example,Guest,{i},guest,Partner\n");
        }

        var settings = CliRun.SettingsFor(sandbox);
        var journal = Path.Combine(_workspace.Folder, "journal.db");
        settings["Journal:Path"] = journal;
        var result = await CliRun.RunAsync(settings, "import", _workspace.Write("guests.csv", csv.ToString()), "--preflight", "--on-existing", "update",
            "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var tokens = sandbox.State.GuestLinks.Values.Select(l => l[(l.LastIndexOf('/') + 1)..]).ToList();
        Assert.That(tokens, Has.Count.EqualTo(300), "every guest's answers carried a link");
        Assert.That(sandbox.State.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/guests/", StringComparison.Ordinal)), Is.GreaterThan(0), "guests were read back");

        var written = new StringBuilder(result.Out).Append(result.Error);
        foreach (var file in Directory.GetFiles(_workspace.ReportFolder))
        {
            written.Append(file.EndsWith(".xlsx", StringComparison.Ordinal) ? string.Empty : File.ReadAllText(file));
        }

        written.Append(JournalText(journal));
        var text = written.ToString();
        Assert.That(tokens.Where(t => text.Contains(t, StringComparison.OrdinalIgnoreCase)).ToList(), Is.Empty);
        Assert.That(text, Does.Not.Contain("go.tallyfy.com/guest/"));
    }

    /// <summary>Every cell of every table of the journal, as text.</summary>
    private static string JournalText(string path)
    {
        var text = new StringBuilder();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.That(tables, Does.Contain("people"));
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.IsDBNull(i) ? string.Empty : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('\t');
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }
}
