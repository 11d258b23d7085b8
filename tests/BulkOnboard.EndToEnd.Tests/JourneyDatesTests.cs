using System.Globalization;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Dated onboarding journeys (PRODUCT.md, "Onboarding journeys" and "Dates"): a process launched on its day (09:00 in the
/// person's zone, or right after their invite when that comes later), never early, exactly once, and never for a hire
/// withdrawn before it. The clock is moved, not waited for; every count is the sandbox's own.
/// </summary>
public class JourneyDatesTests
{
    private static readonly string[] Zones = ["Pacific/Auckland", "Asia/Kolkata", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"];

    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(20);

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;
    private ShiftedClock _clock = null!;
    private int _runs;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            Templates = [.. new[] { "Sales", "Engineering" }.Select(d => new SandboxTemplateOptions
            {
                Title = $"{d} Onboarding",
                Fields = [new() { Label = "Start date", Type = "date", Required = true }],
                Steps = ["Read the handbook"],
            })],
        });
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        _clock = new ShiftedClock();
        // Every test starts at the next 12:10 UTC: no 00:00 or 09:00 of the zones used is near it.
        var now = _clock.GetUtcNow();
        MoveTo(new DateTimeOffset(now.UtcDateTime.Date.AddDays(1).AddHours(12).AddMinutes(10), TimeSpan.Zero));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _workspace.Dispose();
    }

    private void Journey(int index, string department, string launch)
    {
        var key = $"Journeys:{index}:";
        _settings[key + "Name"] = department.ToLowerInvariant() + "-onboarding";
        _settings[key + "Template"] = $"{department} Onboarding";
        _settings[key + "When:0:Column"] = "Department";
        _settings[key + "When:0:Equals:0"] = department;
        _settings[key + "Kinds:0"] = "member";
        _settings[key + "Launch"] = launch;
        _settings[key + "ProcessName"] = "Onboarding: {first_name} {last_name} ({email})";
        _settings[key + "Fields:Start date"] = "start_date";
        _settings[key + "Assign:Read the handbook"] = "person";
    }

    private sealed record Hire(string Email, string Department, string Zone, DateOnly Start)
    {
        public DateTimeOffset Invite => Local(Start.AddDays(-7), 0);

        public DateTimeOffset At0900(int days) => Local(Start.AddDays(days), 9);

        private DateTimeOffset Local(DateOnly day, int hour) =>
            new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(hour, 0)), TimeZoneInfo.FindSystemTimeZoneById(Zone)), TimeSpan.Zero);
    }

    private DateOnly Today(string zone, int plus) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(zone)).DateTime).AddDays(plus);

    /// <summary>The hires file (always the same path: one source); a hire whose start is <c>default</c> is listed without one.</summary>
    private string File(IEnumerable<Hire> hires)
    {
        var csv = new StringBuilder("Email,First Name,Last Name,Type,Department,Start Date,Timezone\n");
        foreach (var h in hires)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{h.Email},Hire,{h.Email[..h.Email.IndexOf('@')]},member,{h.Department},{(h.Start == default ? "" : h.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))},{h.Zone}\n");
        }

        return _workspace.Write("hires.csv", csv.ToString());
    }

    private void MoveTo(DateTimeOffset instant) => _clock.Advance(instant - _clock.GetUtcNow());

    private string Out(string name) => Path.Combine(_workspace.Folder, name);

    /// <summary>What the last run printed.</summary>
    private string _said = string.Empty;

    private async Task<IReadOnlyList<ResultLine>> Run(params string[] args)
    {
        var folder = Out($"run{++_runs}");
        var result = await CliRun.RunAtAsync(_clock, _settings, [.. args, "--out", folder]);
        _said = result.Out;
        Assert.That(result.ExitCode, Is.EqualTo(0), $"{string.Join(' ', args)} at {_clock.GetUtcNow():O}: {result}");
        return Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.results.csv").Any() ? new Reports(folder).Results() : [];
    }

    private long JournalRuns()
    {
        using var connection = new SqliteConnection($"Data Source={_settings["Journal:Path"]};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM runs;";
        return (long)command.ExecuteScalar()!;
    }

    private List<SandboxProcess> ProcessesOf(string email) =>
        [.. _sandbox.State.Processes.Values.Where(p => p.Name.Contains($"({email})", StringComparison.Ordinal))];

    [Test]
    public async Task StartDateMinus5d_HiresOverTwentyDaysInSixZones_EachLaunchedOnItsDayNeverEarly_ExactlyOnce()
    {
        // Sales launches 09:00 five days before the start; Engineering ten days before, which is before their invite
        // (7 days, 00:00): theirs goes right after the invite, in the same check.
        Journey(0, "Sales", "start_date-5d");
        Journey(1, "Engineering", "start_date-10d");
        var importedAt = _clock.GetUtcNow();
        var hires = Enumerable.Range(0, 24).Select(i => new Hire($"hire{i}@contoso.example", i % 4 == 3 ? "Engineering" : "Sales", Zones[i % Zones.Length], Today(Zones[i % Zones.Length], 1 + i))).ToList();
        DateTimeOffset InvitedAt(Hire h) => h.Invite > importedAt ? h.Invite : importedAt;
        DateTimeOffset LaunchAt(Hire h)
        {
            var day = h.At0900(h.Department == "Sales" ? -5 : -10);
            return day > InvitedAt(h) ? day : InvitedAt(h);
        }

        var lines = (await Run("import", File(hires))).ToList();
        var invitedIn = new Dictionary<string, int>();
        var launchedIn = new Dictionary<string, int>();
        // After each check: a person with a process was due by its end; one without was not due at its start.
        void Check(int step, DateTimeOffset started)
        {
            var now = _clock.GetUtcNow();
            foreach (var h in hires)
            {
                var processes = ProcessesOf(h.Email);
                Assert.That(processes, Has.Count.LessThanOrEqualTo(1), $"{h.Email}: launched twice");
                if (processes.Count == 1)
                {
                    Assert.That(LaunchAt(h), Is.LessThanOrEqualTo(now), $"{h.Email} ({h.Zone}, starts {h.Start}): launched early, at {now:O}, due {LaunchAt(h):O}");
                    launchedIn.TryAdd(h.Email, step);
                }
                else
                {
                    Assert.That(LaunchAt(h), Is.GreaterThan(started), $"{h.Email} ({h.Zone}, starts {h.Start}): not launched by the check at {started:O}, due {LaunchAt(h):O}");
                }

                if (_sandbox.State.Members.ContainsKey(h.Email))
                {
                    invitedIn.TryAdd(h.Email, step);
                }
            }
        }

        Check(0, importedAt);
        Assert.That(lines.Where(l => l.Row > 0).Select(l => (l.Email, l.Journey, l.JourneyOutcome, l.ProcessId.Length > 0)),
            Is.EquivalentTo(hires.Select(h => (h.Email, h.Department.ToLowerInvariant() + "-onboarding", LaunchAt(h) > importedAt ? "scheduled" : "launched", LaunchAt(h) <= importedAt))),
            "at import: launched when its time has come, scheduled otherwise");
        Assert.That(hires.Count(h => LaunchAt(h) <= importedAt), Is.GreaterThan(0), "a few hires start too soon to wait");

        // The checks: 20 minutes either side of each invite and launch, and once a day.
        var last = hires.Max(LaunchAt) + TimeSpan.FromDays(1);
        var steps = hires.SelectMany(h => new[] { h.Invite, LaunchAt(h) }).Where(t => t > importedAt).SelectMany(t => new[] { t - Margin, t + Margin })
            .Concat(Enumerable.Range(1, (int)(last - importedAt).TotalDays).Select(d => importedAt.AddDays(d)))
            .Where(t => t > importedAt).Distinct().Order().ToList();
        for (var step = 1; step <= steps.Count; step++)
        {
            MoveTo(steps[step - 1]);
            var started = _clock.GetUtcNow();
            lines.AddRange(await Run("due"));
            Check(step, started);
            if (step == steps.Count / 2)
            {
                // Halfway, the same file again: what is waiting is scheduled again, nothing launched twice or early.
                started = _clock.GetUtcNow();
                lines.AddRange(await Run("import", File(hires)));
                Check(step, started);
            }
        }

        Assert.That(_sandbox.State.Processes, Has.Count.EqualTo(hires.Count), "one process each, in the end");
        foreach (var h in hires.Where(h => h.Department == "Engineering" && h.Invite > importedAt))
        {
            Assert.That(launchedIn[h.Email], Is.EqualTo(invitedIn[h.Email]), $"{h.Email}: launched in the check that invited them");
        }

        var launched = lines.Where(l => l.JourneyOutcome == "launched").ToList();
        Assert.That(launched.Select(l => l.Email), Is.EquivalentTo(hires.Select(h => h.Email)), "one launched line each, across import and due runs");
        Assert.That(launched.Select(l => l.ProcessId), Is.EquivalentTo(_sandbox.State.Processes.Keys), "each line names its process");
        Assert.That(launched.Where(l => l.Row == 0).Select(l => l.Journey), Is.All.Not.Empty);
        Assert.That(lines.Where(l => l.Row == 0).Select(l => l.JourneyOutcome), Is.All.Not.EqualTo("not_launched").And.All.Not.EqualTo("failed"));
    }

    [Test]
    public async Task LaunchNow_ADatedHire_IsLaunchedInTheDueRunThatInvitesThem_Once()
    {
        Journey(0, "Sales", "now");
        var later = new Hire("later@contoso.example", "Sales", "Asia/Kolkata", Today("Asia/Kolkata", 10));
        var soon = new Hire("soon@contoso.example", "Sales", "America/New_York", Today("America/New_York", 2));
        var file = File([later, soon]);

        var import = await Run("import", file);

        Assert.That(import.Select(l => (l.Email, l.Outcome, l.JourneyOutcome)), Is.EqualTo(new[] { ("later@contoso.example", "scheduled", "scheduled"), ("soon@contoso.example", "invited", "launched") }));
        Assert.That(ProcessesOf(later.Email), Is.Empty, "no process at import: the invite is scheduled");
        Assert.That(new Reports(Out($"run{_runs}")).Summary.Journeys!["scheduled"], Is.EqualTo(1));
        Assert.That(ProcessesOf(soon.Email), Has.Count.EqualTo(1));

        MoveTo(later.Invite - Margin);
        Assert.That(await Run("due"), Is.Empty, "nothing is due before the invite");
        Assert.That(_said.Trim(), Is.EqualTo($"Nothing to carry out now; next due {later.Invite.ToOffset(TimeSpan.FromHours(5.5)):yyyy-MM-dd HH:mm} Asia/Kolkata."),
            "the launch waits for the invite: the next thing due is the invite");
        Assert.That(JournalRuns(), Is.EqualTo(1), "a check with nothing to carry out opens no run");
        Assert.That((_sandbox.State.Members.ContainsKey(later.Email), ProcessesOf(later.Email).Count), Is.EqualTo((false, 0)));

        MoveTo(later.Invite + Margin);
        var due = await Run("due");

        Assert.That(_sandbox.State.Members.ContainsKey(later.Email), Is.True, "invited");
        var process = ProcessesOf(later.Email);
        Assert.That(process, Has.Count.EqualTo(1), "launched in the same check");
        Assert.That(due.Select(l => (l.Email, l.Outcome, l.JourneyOutcome)), Is.EquivalentTo(new[] { (later.Email, "invited", ""), (later.Email, "skipped", "launched") }));
        Assert.That(due.Single(l => l.JourneyOutcome == "launched").ProcessId, Is.EqualTo(process[0].Id));
        Assert.That(due.Single(l => l.JourneyOutcome == "launched").Journey, Is.EqualTo("sales-onboarding"));
        Assert.That(new Reports(Out($"run{_runs}")).Summary.Journeys!["launched"], Is.EqualTo(1), "the due run's summary counts it");

        MoveTo(later.Invite + TimeSpan.FromDays(8));
        Assert.That(await Run("due"), Is.Empty);
        await Run("import", file);
        Assert.That(_sandbox.State.Processes, Has.Count.EqualTo(2), "once each, after more checks and a re-import");
    }

    [Test]
    public async Task AHireWithdrawnBeforeTheirLaunchDay_GetsNoProcess_BeforeOrAfterTheirInvite_TheOthersStillDo()
    {
        Journey(0, "Sales", "start_date-5d");
        const string Zone = "Asia/Tokyo";
        var stays = new Hire("stays@contoso.example", "Sales", Zone, Today(Zone, 15));
        var early = new Hire("early@contoso.example", "Sales", Zone, Today(Zone, 20));
        var invited = new Hire("invited@contoso.example", "Sales", Zone, Today(Zone, 12));
        var undated = new Hire("undated@contoso.example", "Sales", Zone, Today(Zone, 20));
        var file = File([stays, early, invited, undated]);
        var import = await Run("import", file);
        Assert.That(import.Select(l => l.JourneyOutcome), Is.All.EqualTo("scheduled"));

        // The withdrawn one's invite has come (day 5), their launch day (day 7) not yet.
        MoveTo(invited.Invite + TimeSpan.FromDays(1));
        var due = await Run("due");
        Assert.That(due.Select(l => (l.Email, l.Outcome)), Is.EqualTo(new[] { (invited.Email, "invited") }));
        Assert.That(_sandbox.State.Processes, Is.Empty);

        // The same source's next file lists only the one who stays, and one without a start date any more.
        File([stays, undated with { Start = default }]);
        var next = await Run("import", file);

        var cancelled = next.Where(l => l.Outcome == "cancelled").ToList();
        Assert.That(cancelled.Select(l => (l.Email, l.Reason, l.Journey, l.JourneyOutcome)), Is.EquivalentTo(new[]
        {
            (early.Email, "not_listed", "", ""),
            (early.Email, "not_listed", "sales-onboarding", "not_launched"),
            (invited.Email, "not_listed", "sales-onboarding", "not_launched"),
            (undated.Email, "no_start_date", "", ""),
            (undated.Email, "no_start_date", "sales-onboarding", "not_launched"),
        }), "the invite and launch not yet carried out are cancelled");
        // Listed without a start date, a hire is invited now, as any row without dates, and so gets their journey now: once.
        Assert.That(next.Where(l => l.Row > 0).Select(l => (l.Email, l.Outcome, l.JourneyOutcome)),
            Is.EqualTo(new[] { (stays.Email, "scheduled", "scheduled"), (undated.Email, "invited", "launched") }));

        // Every day past the last launch day.
        var checks = new List<ResultLine>();
        for (var day = 1; day <= 16; day++)
        {
            MoveTo(invited.Invite + TimeSpan.FromDays(1 + day));
            checks.AddRange(await Run("due"));
        }

        Assert.That(ProcessesOf(stays.Email), Has.Count.EqualTo(1), "the hire still listed is launched");
        Assert.That((ProcessesOf(early.Email).Count, ProcessesOf(invited.Email).Count), Is.EqualTo((0, 0)), "no process for a withdrawn hire");
        Assert.That(_sandbox.State.WritesFor(early.Email), Is.Zero, "never invited");
        Assert.That(ProcessesOf(undated.Email), Has.Count.EqualTo(1), "not launched again on the old day");
        Assert.That(checks.Select(l => (l.Email, l.JourneyOutcome)), Is.EquivalentTo(new[] { (stays.Email, ""), (stays.Email, "launched") }));
    }
}
