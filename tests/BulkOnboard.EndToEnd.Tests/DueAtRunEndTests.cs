using System.Globalization;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Dated actions a run carries out at its end are that run's work (PRODUCT.md, "Reported as it happens, in the
/// run that did it"): a line each in its results.csv (<c>row</c> empty), counted in its summary, its exit code
/// and its notification.
/// </summary>
public class DueAtRunEndTests
{
    private const int Leavers = 6;

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        _settings["Dates:DefaultTimeZone"] = "Pacific/Kiritimati";
        _settings["Sync:MaxLeaversPercent"] = "100";
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task AnImportCarriesOutTheDatedDeactivationsDue_OneLineEach_CountedInItsSummaryExitCodeAndNotification()
    {
        // A sync invites the staff and six people who are leaving; the next roster gives the six an end date a week ahead.
        var header = "Email,First Name,Last Name,Type,Role,End Date\n";
        var staff = string.Concat(Enumerable.Range(0, 8).Select(i => $"s{i}@contoso.example,St,Aff,member,standard,\n"));
        string Leaving(string end) => string.Concat(Enumerable.Range(0, Leavers).Select(i => $"l{i}@contoso.example,Lea,Ver,member,standard,{end}\n"));
        var day0 = await CliRun.RunAsync(_settings, "sync", _workspace.Write("d0.csv", header + staff + Leaving(string.Empty)), "--yes", "--out", Path.Combine(_workspace.Folder, "day0"));
        var day1 = await CliRun.RunAsync(_settings, "sync", _workspace.Write("d1.csv", header + staff + Leaving(Day(7))), "--yes", "--out", Path.Combine(_workspace.Folder, "day1"));
        Assert.That((day0.ExitCode, day1.ExitCode), Is.EqualTo((0, 0)), day0 + "\n" + day1);
        Assert.That(Deactivated(), Is.Empty, "not before their end date");

        // The week passes (the journal's due times move back instead), then an import of another file runs.
        using (var connection = new SqliteConnection($"Data Source={_settings["Journal:Path"]};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE due_actions SET due_at = $past WHERE state = 'pending';";
            command.Parameters.AddWithValue("$past", DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture));
            Assert.That(command.ExecuteNonQuery(), Is.EqualTo(Leavers));
        }

        // One of them has been protected since: the policy holds that one, and the run says so in its exit code.
        using var hook = new WebhookReceiver();
        _settings["Notify:Webhook:Url"] = hook.Url;
        _settings["Sync:Protected:0"] = "l5@contoso.example";
        var hires = _workspace.Write("hires.csv", "Email,First Name,Type\nnew0@partner.example,New,guest\nnew1@partner.example,New,guest\n");
        var import = await CliRun.RunAsync(_settings, "import", hires, "--out", Path.Combine(_workspace.Folder, "import"));

        Assert.That(import.ExitCode, Is.EqualTo(5), "a dated leaver held by a guard needs a decision: " + import);
        var leavers = Enumerable.Range(0, Leavers - 1).Select(i => $"l{i}@contoso.example").ToList();
        Assert.That(Deactivated(), Is.EquivalentTo(leavers));
        var reports = new Reports(Path.Combine(_workspace.Folder, "import"));
        var lines = reports.Results();
        Assert.That(lines.Where(l => l.Row > 0).Select(l => (l.Email, l.Outcome)), Is.EqualTo(new[] { ("new0@partner.example", "created"), ("new1@partner.example", "created") }));
        var due = lines.Where(l => l.Row == 0).ToList();
        Assert.That(due.Select(l => (l.Kind, l.Email, l.Outcome)), Is.EquivalentTo(leavers.Select(e => ("member", e, "deactivated")).Append(("member", "l5@contoso.example", "held"))),
            "one line per dated action, its row empty");
        Assert.That(due.Where(l => l.Outcome == "deactivated").Select(l => l.Message), Is.All.StartsWith($"ended; due {Day(8)} 00:00"), "the line says what was due");
        Assert.That(due.Single(l => l.Outcome == "held").Message, Does.Contain("held").And.Contain("Sync:Protected"));

        var summary = reports.Summary;
        Assert.That((summary.DueCarriedOut, summary.Deactivated, summary.Held, summary.Created, summary.Total, summary.ExitCode), Is.EqualTo((Leavers, Leavers - 1, 1, 2, 2 + Leavers, 5)));
        Assert.That(File.ReadAllLines(reports.FailedPath), Has.Length.EqualTo(1), "nothing failed: failed.csv is its header alone (a held action waits for a decision, it is not a row to fix)");

        var message = JsonDocument.Parse(hook.Bodies.Single()).RootElement;
        Assert.That(message.GetProperty("exit_code").GetInt32(), Is.EqualTo(5));
        Assert.That(message.GetProperty("total").GetInt32(), Is.EqualTo(2 + Leavers));
        var counts = message.GetProperty("counts");
        Assert.That((counts.GetProperty("created").GetInt32(), counts.GetProperty("deactivated").GetInt32(), counts.GetProperty("held").GetInt32()), Is.EqualTo((2, Leavers - 1, 1)));
    }

    private List<string> Deactivated() =>
        [.. _sandbox.State.Members.Values.Where(m => m.Fields.GetValueOrDefault("status") is "disabled").Select(m => m.Email)];

    /// <summary>A day from today, as Pacific/Kiritimati (UTC+14) counts days.</summary>
    private static string Day(int fromToday) => DateTime.UtcNow.AddHours(14).Date.AddDays(fromToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
