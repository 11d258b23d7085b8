using System.Net;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using static BulkOnboard.Tests.Pipeline.GroupWriterTests;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>What a sync applies after the people (SyncFollowUps): memberships follow their person, one PUT per changed group.</summary>
public class SyncRunnerFollowUpsTests
{
    private const string Header = "Email,First Name,Last Name,Type,Role,Groups\n";

    private SyncHarness _sync = null!;

    [SetUp]
    public void SetUp()
    {
        _sync = new SyncHarness();
        _sync.Lists([], groups: [new { id = "g1", name = "Team", description = "By hand", members = new long[] { 1 }, guests = Array.Empty<string>() }]);
        _sync.Seen.Reply(HttpMethod.Post, "users/invite", (HttpStatusCode)422, """{"message":"The given data was invalid.","errors":{"first_name":["The first name may not be greater than 32 characters."]}}""",
            bodyContains: "bad@x.example");
        _sync.Seen.Reply(HttpMethod.Post, "users/invite", HttpStatusCode.OK, """{"data":{"id":31,"email":"new@x.example","status":"invited"}}""");
        _sync.Seen.Reply(HttpMethod.Post, "guests", HttpStatusCode.Created, """{"data":{"id":"g9","email":"guest@x.example"}}""");
        _sync.Seen.Reply(HttpMethod.Get, "groups/g1", HttpStatusCode.OK, GroupJson([1, 2], []));
    }

    [TearDown]
    public void TearDown() => _sync.Dispose();

    [Test]
    public async Task JoinersJoinTheirGroupInOnePut_ButOneWhoseInviteFailed_IsNotPutInIt()
    {
        _sync.Seen.Reply(HttpMethod.Put, "groups/g1", HttpStatusCode.Created, GroupJson([1, 2, 31], ["guest@x.example"]));

        var outcome = await _sync.RunAsync(SyncMode.PlanAndApply, _sync.Roster(Header
            + "new@x.example,New,Joiner,member,standard,Team\nbad@x.example,Bad,Name,member,standard,Team\nguest@x.example,Gus,Guest,guest,,Team\n"));

        var puts = _sync.Seen.Writes.Where(w => w.Method == "PUT").ToList();
        Assert.That(puts.Select(p => p.ToString()), Is.EqualTo(new[] { "PUT groups/g1" }), "one PUT for the group");
        var lines = _sync.Seen.Lines.ToList();
        Assert.That(lines.IndexOf("GET groups/g1?with=users,guests"), Is.EqualTo(lines.IndexOf("PUT groups/g1") - 1), "re-read just before it");
        Assert.That((Body(puts[0]).Members, Body(puts[0]).Guests), Is.EqualTo((new long[] { 1, 2, 31 }, new[] { "guest@x.example" })),
            "member 2, added by hand, stays; the invited member (by the id Tallyfy answered) and the guest join; the failed invite does not");
        Assert.That((outcome.Summary.GroupMembershipsAdded, outcome.Summary.GroupMembershipsFailed), Is.EqualTo(((int?)2, (int?)0)));
        Assert.That(outcome.Summary.ExitCode, Is.EqualTo(ExitCodes.RowsNeedAttention), "the failed invite");
        var results = File.ReadAllText(outcome.Summary.Reports!.Results);
        Assert.That(results, Does.Contain("added to group Team"));
        Assert.That(results, Does.Contain("group Team not changed: the person's own change did not happen (failed)"));
    }

    [Test]
    public async Task AGroupWriteThatFails_IsCountedApart_AndNeverChangesThePersonsOutcome()
    {
        _sync.Seen.Reply(HttpMethod.Put, "groups/g1", HttpStatusCode.Forbidden, """{"error":true,"message":"You do not have the manage_groups permission"}""");

        var outcome = await _sync.RunAsync(SyncMode.PlanAndApply, _sync.Roster(Header + "new@x.example,New,Joiner,member,standard,Team\n"));

        Assert.That((outcome.Summary.Invited, outcome.Summary.Failed), Is.EqualTo((1, 0)), "the invite happened: the person's line stays invited");
        Assert.That((outcome.Summary.GroupMembershipsAdded, outcome.Summary.GroupMembershipsFailed), Is.EqualTo(((int?)0, (int?)1)));
        Assert.That(outcome.Summary.ExitCode, Is.EqualTo(ExitCodes.RowsNeedAttention), "a membership that failed needs attention");
        Assert.That(File.ReadAllText(outcome.Summary.Reports!.Results), Does.Contain("group membership not changed: group Team:").And.Contain("manage_groups"));
    }
}
