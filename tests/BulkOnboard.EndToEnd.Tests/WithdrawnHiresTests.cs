using System.Globalization;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Withdrawn means withdrawn: a hire scheduled from one file, whom the same source's next file no longer
/// lists (or lists without a start date), is cancelled, reported <c>cancelled</c>, and never invited on the
/// old date (the clock moved past it, not waited for).
/// </summary>
public class WithdrawnHiresTests
{
    private const string Header = "Email,First Name,Last Name,Type,Role,Start Date\n";

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;
    private ShiftedClock _clock = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal", "journal.db");
        _settings["Dates:DefaultTimeZone"] = "Pacific/Kiritimati";
        _clock = new ShiftedClock();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _workspace.Dispose();
    }

    [Test]
    public async Task Import_AHireTheSameSourcesNextFileNoLongerLists_IsCancelled_AndNeverInvited_OneListedWithoutADateIsReportedToo()
    {
        var file = _workspace.Write("hires.csv", Header
            + $"later@contoso.example,La,Ter,member,standard,{Day(30)}\nstays@contoso.example,St,Ays,member,standard,{Day(30)}\nundated@contoso.example,Un,Dated,member,standard,{Day(30)}\n");
        var first = await Run("import", file, "--out", Out("first"));
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(new Reports(Out("first")).Summary.Scheduled, Is.EqualTo(3));

        // The same source's next dump: the first hire withdrawn, the third's start date gone.
        _workspace.Write("hires.csv", Header + $"stays@contoso.example,St,Ays,member,standard,{Day(30)}\nundated@contoso.example,Un,Dated,member,standard,\n");
        var next = await Run("import", file, "--out", Out("next"));

        Assert.That(next.ExitCode, Is.EqualTo(0), next.ToString());
        var lines = new Reports(Out("next")).Results();
        Assert.That(lines.Select(l => (l.Row, l.Email, l.Outcome, l.Reason)), Is.EqualTo(new[]
        {
            (2, "stays@contoso.example", "scheduled", "starts_later"),
            (3, "undated@contoso.example", "invited", ""),
            (0, "later@contoso.example", "cancelled", "not_listed"),
            (0, "undated@contoso.example", "cancelled", "no_start_date"),
        }), "each row once, in input order, then one line per hire withdrawn");
        Assert.That(lines[2].Message, Is.EqualTo($"invite due {Day(23)} 00:00 Pacific/Kiritimati cancelled: no longer listed"));
        Assert.That(lines[3].Message, Does.Contain("row 3 lists them without a start date"));
        Assert.That(new Reports(Out("next")).Summary.Cancelled, Is.EqualTo(2));
        Assert.That(DueState("later@contoso.example"), Is.EqualTo(("cancelled", "withdrawn by run 2 (not_listed)")));

        _clock.Advance(TimeSpan.FromDays(31));
        var due = await Run("due", "--out", Out("due"));

        Assert.That(due.ExitCode, Is.EqualTo(0), due.ToString());
        Assert.That(_sandbox.State.Members.ContainsKey("stays@contoso.example"), Is.True, "the clock passed the start: the hire still listed was invited");
        Assert.That(_sandbox.State.WritesFor("later@contoso.example"), Is.Zero, "the withdrawn hire was never invited");
        Assert.That(_sandbox.State.WritesFor("undated@contoso.example"), Is.EqualTo(1), "invited once, by the file that listed them without a date; not again on the old date");
    }

    [Test]
    public async Task Sync_AHireTheNextRosterNoLongerLists_IsCancelled_Reported_AndNeverInvited()
    {
        var first = await Run("sync", _workspace.Write("a.csv", Header + $"staff@contoso.example,St,Aff,member,standard,\nlater@contoso.example,La,Ter,member,standard,{Day(30)}\n"),
            "--yes", "--out", Out("a"));
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());

        var next = await Run("sync", _workspace.Write("b.csv", Header + "staff@contoso.example,St,Aff,member,standard,\n"), "--yes", "--out", Out("b"));

        Assert.That(next.ExitCode, Is.EqualTo(0), next.ToString());
        var cancelled = new Reports(Out("b")).Results().Single(l => l.Outcome == "cancelled");
        Assert.That((cancelled.Row, cancelled.Email, cancelled.Reason), Is.EqualTo((0, "later@contoso.example", "not_listed")));
        Assert.That(DueState("later@contoso.example").State, Is.EqualTo("cancelled"));

        _clock.Advance(TimeSpan.FromDays(31));
        var due = await Run("due", "--out", Out("due"));

        Assert.That(due.ExitCode, Is.EqualTo(0), due.ToString());
        Assert.That(_sandbox.State.WritesFor("later@contoso.example"), Is.Zero);
    }

    private Task<CliResult> Run(params string[] args) => CliRun.RunAtAsync(_clock, _settings, args);

    private string Out(string name) => Path.Combine(_workspace.Folder, name);

    /// <summary>A day from the clock's today, as Pacific/Kiritimati (UTC+14) counts days.</summary>
    private string Day(int fromToday) => _clock.GetUtcNow().UtcDateTime.AddHours(14).Date.AddDays(fromToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private (string State, string? Outcome) DueState(string email)
    {
        using var connection = new SqliteConnection($"Data Source={_settings["Journal:Path"]};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, outcome FROM due_actions WHERE email = $email;";
        command.Parameters.AddWithValue("$email", email);
        using var reader = command.ExecuteReader();
        Assert.That(reader.Read(), Is.True, $"a dated action for {email}");
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
