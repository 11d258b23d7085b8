using System.Text;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>What the sync tests share: a sandbox with one member invited by hand, a journal, and rosters to write.</summary>
public abstract class SyncTestBase
{
    private protected Workspace _workspace = null!;
    private protected SandboxServer _sandbox = null!;
    private protected Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { ExistingMembers = ["by.hand@contoso.example"] });
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");

        // Grace by time is tested on its own (SyncGraceTests); here a leaver may go on the rosters it is missing from.
        _settings["Sync:LeaverGracePeriod"] = "00:00:00";
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    private protected List<string> GroupWrites() =>
        [.. _sandbox.State.Requests.Where(r => r.Path.Contains("/groups", StringComparison.Ordinal) && r.Method != "GET").Select(r => r.Method)];

    /// <summary>Members who have access: active, or invited and not yet accepted; not deactivated.</summary>
    private protected List<string> ActiveMembers() =>
        [.. _sandbox.State.Members.Values.Where(m => m.Fields.GetValueOrDefault("status") is not "disabled").Select(m => m.Email)];

    private protected async Task<CliResult> Sync(string outFolder, string? file, params string[] args)
    {
        string[] all = file is null
            ? ["sync", .. args, "--out", Path.Combine(_workspace.Folder, outFolder)]
            : ["sync", file, .. args, "--out", Path.Combine(_workspace.Folder, outFolder)];
        return await CliRun.RunAsync(_settings, all);
    }

    private protected List<(string Email, string Action, string Detail)> PlanLines(string folder)
    {
        var path = Directory.GetFiles(Path.Combine(_workspace.Folder, folder), "*.plan.json").Single();
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.GetProperty("changes").EnumerateArray().Select(c =>
            (c.GetProperty("email").GetString()!, c.GetProperty("action").GetString()!, c.GetProperty("detail").GetString()!))];
    }

    private protected static TestRoster Roster(int members, int guests) => new(
        Enumerable.Range(0, members).ToDictionary(i => $"m{i}@contoso.example", _ => "standard"),
        [.. Enumerable.Range(0, guests).Select(i => $"g{i}@partner.example")],
        0);

    /// <summary>A roster: members with their roles, and guests.</summary>
    private protected sealed record TestRoster(Dictionary<string, string> Members, List<string> Guests, int Joined)
    {
        public int Count => Members.Count + Guests.Count;

        public TestRoster Without(int members, int guests) =>
            new(Members.Skip(members).ToDictionary(), [.. Guests.Skip(guests)], Joined);

        public TestRoster WithRoles(int count, string role) =>
            new(Members.Select((m, i) => (m.Key, i < count ? role : m.Value)).ToDictionary(), Guests, Joined);

        public TestRoster WithJoiners(int members, int guests) =>
            new(Members.Concat(Enumerable.Range(Joined, members).Select(i => KeyValuePair.Create($"new{i}@contoso.example", "standard"))).ToDictionary(),
                [.. Guests, .. Enumerable.Range(Joined, guests).Select(i => $"newguest{i}@partner.example")], Joined + members + guests);

        public IEnumerable<string> LeftIn(TestRoster later) =>
            Members.Keys.Except(later.Members.Keys).Concat(Guests.Except(later.Guests));

        public string Write(Workspace workspace, string name)
        {
            var csv = new StringBuilder("Email,First Name,Last Name,Type,Role\n");
            foreach (var (email, role) in Members)
            {
                csv.Append($"{email},First,Last,member,{role}\n");
            }

            foreach (var email in Guests)
            {
                csv.Append($"{email},Guest,Person,guest,\n");
            }

            return workspace.Write(name, csv.ToString());
        }
    }
}
