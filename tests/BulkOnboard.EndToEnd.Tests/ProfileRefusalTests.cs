using System.Globalization;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>A member of other organizations can only change their own profile: that row is not_updatable, the run goes on.</summary>
public class ProfileRefusalTests : SyncTestBase
{
    [Test]
    public async Task ProfileUpdateRefused_MemberOfOtherOrganizations_IsNotUpdatable_TheOthersAreUpdated()
    {
        _sandbox.Options.MultiOrgMembers = ["m1@contoso.example"];
        _settings["Sync:ManageExisting"] = "true";
        var roster = Roster(members: 3, guests: 0);
        foreach (var email in roster.Members.Keys)
        {
            _sandbox.State.Members[email] = new SandboxPerson(_sandbox.State.NextMemberId().ToString(CultureInfo.InvariantCulture), "member", email,
                new Dictionary<string, string?> { ["role"] = "standard", ["status"] = "active", ["first_name"] = "Old", ["last_name"] = "Name", ["timezone"] = "Europe/London" },
                DateTimeOffset.UtcNow.AddDays(-30));
        }

        var result = await Sync("apply", roster.Write(_workspace, "roster.csv"), "--yes");

        var lines = new Reports(Path.Combine(_workspace.Folder, "apply")).Results().Where(l => l.Row > 0).ToList();
        var refused = lines.Single(l => l.Email == "m1@contoso.example");
        Assert.That((refused.Outcome, refused.Reason), Is.EqualTo(("skipped", "not_updatable")), result.ToString());
        Assert.That(refused.Message, Does.Contain("other organizations"));
        Assert.That(lines.Where(l => l.Email != "m1@contoso.example").Select(l => l.Outcome), Is.All.EqualTo("updated"));
        Assert.That(lines.Select(l => l.Outcome), Has.None.EqualTo("failed"));
        Assert.That(result.ExitCode, Is.EqualTo(5), "nothing failed; with Sync:ManageExisting the default administrator and the member invited by hand are leavers, held: " + result);
    }
}
