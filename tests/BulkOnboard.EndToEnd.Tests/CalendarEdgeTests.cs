using System.Globalization;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Dates at the calendar's edge, through the real CLI: an open end (9999-12-31, SAP's and SuccessFactors'
/// "no end") is no end, never a crash after sending; a date past the calendar, before 1900, or a cell
/// holding more than a date is the row's <c>invalid</c>; an end before the start is invalid, not scheduled.
/// </summary>
public class CalendarEdgeTests
{
    private const string Header = "Email,First Name,Last Name,Type,Role,Start Date,End Date\n";

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
        _settings["Dates:DefaultTimeZone"] = "Etc/GMT+12";
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task Import_OpenEndsAreNoEnd_DatesPastTheCalendarAreInvalid_EveryRowReported_AndARerunEndsTheSameWay()
    {
        var file = _workspace.Write("edge.csv", Header
            + "open@x.example,Op,En,guest,,2026-01-05,9999-12-31\n"
            + "open2@x.example,Op,En,member,standard,,9999-12-30\n"
            + "past@x.example,Pa,St,guest,,2026-01-05,10000-01-01\n"
            + "early@x.example,Ea,Rly,guest,,0001-01-01,\n"
            + "hour@x.example,Ho,Ur,guest,,2026-01-05,2026-12-31T25:00\n"
            + "more@x.example,Mo,Re,guest,,2026-01-05 or so,\n"
            + $"reversed@x.example,Re,Versed,member,standard,{Day(30)},{Day(10)}\n"
            + "last@x.example,La,St,guest,,,9999-12-31\n");

        var first = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "first"));

        Assert.That(first.ExitCode, Is.EqualTo(2), first.ToString());
        Assert.That(first.Error, Does.Not.Contain("unexpected").And.Not.Contain("Exception"));
        var reports = new Reports(Path.Combine(_workspace.Folder, "first"));
        var lines = reports.Results().ToDictionary(l => l.Email);
        Assert.That(lines, Has.Count.EqualTo(8), "every row reported, the last one included");
        Assert.That(new[] { "open@x.example", "open2@x.example", "last@x.example" }.Select(e => lines[e].Outcome), Is.EqualTo(new[] { "created", "invited", "created" }));
        Assert.That(lines["past@x.example"].Message, Does.Contain("End Date: '10000-01-01' is not a date"));
        Assert.That(lines["early@x.example"].Message, Does.Contain("Start Date: '0001-01-01' is before 1900"));
        Assert.That(lines["hour@x.example"].Message, Does.Contain("End Date: '2026-12-31T25:00' is not a date"));
        Assert.That(lines["more@x.example"].Message, Does.Contain("Start Date: '2026-01-05 or so' is not a date"));
        Assert.That(lines["reversed@x.example"].Message, Does.Contain($"End Date: {Day(10)} is before Start Date {Day(30)}"));
        Assert.That(new[] { "past@x.example", "early@x.example", "hour@x.example", "more@x.example", "reversed@x.example" }.Select(e => lines[e].Outcome), Is.All.EqualTo("invalid"));
        Assert.That((reports.Summary.Scheduled, reports.Summary.Invalid), Is.EqualTo((0, 5)), "an open end schedules no leaver action; the reversed hire is not scheduled");
        Assert.That(_sandbox.State.Guests.Keys.Concat(_sandbox.State.Members.Keys), Is.EquivalentTo(new[] { "open@x.example", "open2@x.example", "last@x.example" }));

        var again = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "again"));

        Assert.That(again.ExitCode, Is.EqualTo(2), again.ToString());
        var rerun = new Reports(Path.Combine(_workspace.Folder, "again")).Results();
        Assert.That(rerun.Where(l => l.Outcome != "invalid").Select(l => (l.Outcome, l.Reason)), Is.All.EqualTo(("skipped", "already_done")));
    }

    [TestCase("12/31/9999", "12/25/2026")]
    [TestCase("31.12.9999", "25.12.2026")]
    public async Task Validate_OpenEndsInEitherSlashedOrder_AreValid(string openEnd, string otherEnd)
    {
        var file = _workspace.Write("v.csv", Header + $"a@x.example,A,A,guest,,,{openEnd}\nb@x.example,B,B,guest,,,{otherEnd}\n");

        var result = await CliRun.RunAsync(_settings, "validate", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_workspace.Reports.Results().Select(l => l.Outcome), Is.All.EqualTo("valid"));
    }

    [Test]
    public async Task Validate_AnEndPastTheCalendar_IsInvalid_NotValid()
    {
        var file = _workspace.Write("v.csv", Header + "a@x.example,A,A,guest,,,2026-13-01\nb@x.example,B,B,guest,,1850-06-01,\n");

        var result = await CliRun.RunAsync(_settings, "validate", file, "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(_workspace.Reports.Results().Select(l => l.Outcome), Is.All.EqualTo("invalid"));
    }

    [Test]
    public async Task Sync_AnOpenEnd_PlansAndApplies_WithNoLeaverAction()
    {
        var roster = _workspace.Write("roster.csv", Header + "s1@x.example,S,One,member,standard,2025-01-06,9999-12-31\ns2@x.example,S,Two,member,standard,,\n");

        var result = await CliRun.RunAsync(_settings, "sync", roster, "--yes", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_sandbox.State.Members.Keys, Is.SupersetOf(new[] { "s1@x.example", "s2@x.example" }));
        Assert.That(_workspace.Reports.Results().Single(l => l.Email == "s1@x.example").Outcome, Is.EqualTo("invited"));
        Assert.That(_workspace.Reports.Summary.Scheduled, Is.Zero);
    }

    /// <summary>A day from today, as Etc/GMT+12 (UTC−12) counts days.</summary>
    private static string Day(int fromToday) => DateTime.UtcNow.AddHours(-12).Date.AddDays(fromToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
