using System.Net;
using System.Text.Json;
using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using BulkOnboard.Plan;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Pipeline;

/// <summary>
/// "Read the group, change it, write it": each changed group is re-read with its lists just before its one
/// PUT, the PUT starts from that read, and a group whose read did not show its lists is never written.
/// </summary>
public class GroupWriterTests
{
    internal static readonly ListedGroup Team = new("g1", "Team", "By hand", [1], []);

    internal static readonly Dictionary<string, string> MemberIds = new(StringComparer.Ordinal) { ["ann@x.example"] = "11", ["bob@x.example"] = "12" };

    private DeliveryHarness _harness = null!;
    private SeenRequests _seen = null!;

    [SetUp]
    public void SetUp()
    {
        _harness = new DeliveryHarness();
        _seen = new SeenRequests(_harness.Http);
    }

    [TearDown]
    public void TearDown() => _harness.Dispose();

    [Test]
    public async Task AGroupIsReReadBeforeItsPut_AndThePutKeepsWhoeverWasAddedByHandSinceTheListing()
    {
        // Listed with member 1 only; since then someone added member 2 and a guest by hand.
        _seen.Reply(HttpMethod.Get, "groups/g1", HttpStatusCode.OK, GroupJson([1, 2], ["hand@x.example"]));
        _seen.Reply(HttpMethod.Put, "groups/g1", HttpStatusCode.Created, GroupJson([1, 2, 11], ["hand@x.example"]));

        var failures = await WriteAsync(Add(PersonKind.Member, "ann@x.example"));

        Assert.That(failures, Is.Empty);
        Assert.That(_seen.Lines, Is.EqualTo(new[] { "GET groups/g1?with=users,guests", "PUT groups/g1" }));
        var put = Body(_seen.All[1]);
        Assert.That((put.Name, put.Description), Is.EqualTo(("Team", "By hand")));
        Assert.That(put.Members, Is.EqualTo(new long[] { 1, 2, 11 }), "the member added by hand stays");
        Assert.That(put.Guests, Is.EqualTo(new[] { "hand@x.example" }), "the guest added by hand stays");
    }

    [TestCase("""{"data":{"id":"g1","name":"Team","description":"By hand"}}""", TestName = "{m}(no lists at all)")]
    [TestCase("""{"data":{"id":"g1","name":"Team","description":"By hand","members":[1]}}""", TestName = "{m}(no guest list)")]
    [TestCase("""{"data":{"id":"g1","name":"Team","description":"By hand","members":[1,"not-an-id"],"guests":[]}}""", TestName = "{m}(a member entry that cannot be read)")]
    [TestCase("""{"data":{"id":"g1","name":"Team","description":"By hand","members":[1],"guests":[{"name":"no email"}]}}""", TestName = "{m}(a guest entry that cannot be read)")]
    public async Task AReReadThatDoesNotShowTheLists_MeansNoPut_AndTheChangeIsReportedNotDone(string answer)
    {
        _seen.Reply(HttpMethod.Get, "groups/g1", HttpStatusCode.OK, answer);
        var change = Add(PersonKind.Guest, "new@x.example");

        var failures = await WriteAsync(change);

        Assert.That(_seen.Lines, Is.EqualTo(new[] { "GET groups/g1?with=users,guests" }), "no PUT");
        Assert.That(failures.Keys, Is.EqualTo(new[] { change }));
        Assert.That(failures[change], Does.StartWith("group Team not written: Tallyfy's answer did not show its member and guest lists"));
    }

    [Test]
    public async Task AReReadThatFails_MeansNoPut_AndTheChangeIsReportedNotDone()
    {
        _seen.Reply(HttpMethod.Get, "groups/g1", HttpStatusCode.NotFound, """{"error":true,"message":"Resource not found","code":"RESOURCE_NOT_FOUND"}""");
        var change = Add(PersonKind.Member, "ann@x.example");

        var failures = await WriteAsync(change);

        Assert.That(_seen.Writes, Is.Empty);
        Assert.That(failures[change], Does.StartWith("group Team not written: it could not be read just before the write (").And.Contain("Resource not found"));
    }

    [Test]
    public async Task APutWhoseAnswerShowsOtherListsThanThoseSent_IsAFailure()
    {
        _seen.Reply(HttpMethod.Get, "groups/g1", HttpStatusCode.OK, GroupJson([1], []));
        _seen.Reply(HttpMethod.Put, "groups/g1", HttpStatusCode.Created, GroupJson([1], []));
        var change = Add(PersonKind.Member, "ann@x.example");

        var failures = await WriteAsync(change);

        Assert.That(_seen.Lines, Is.EqualTo(new[] { "GET groups/g1?with=users,guests", "PUT groups/g1" }), "a clear answer is not read back");
        Assert.That(Body(_seen.All[1]).Members, Is.EqualTo(new long[] { 1, 11 }));
        Assert.That(failures[change], Is.EqualTo("group Team: Tallyfy answered the update of group 'Team' without the lists sent: it was not applied as asked"));
    }

    [Test]
    public async Task AddsAndRemovesForSeveralPeopleInOneGroup_MakeExactlyOnePut()
    {
        _seen.Reply(HttpMethod.Get, "groups/g1", HttpStatusCode.OK, GroupJson([12, 5], ["gone@x.example", "keep@x.example"]));
        _seen.Reply(HttpMethod.Put, "groups/g1", HttpStatusCode.Created, GroupJson([5, 11], ["keep@x.example", "new@x.example"]));

        var failures = await WriteAsync(
            Add(PersonKind.Member, "ann@x.example"), Add(PersonKind.Guest, "new@x.example"),
            Remove(PersonKind.Member, "bob@x.example"), Remove(PersonKind.Guest, "GONE@x.example"));

        Assert.That(failures, Is.Empty);
        Assert.That(_seen.Lines, Is.EqualTo(new[] { "GET groups/g1?with=users,guests", "PUT groups/g1" }));
        var put = Body(_seen.All[1]);
        Assert.That(put.Members, Is.EqualTo(new long[] { 5, 11 }), "bob (12) out, ann (11) in, member 5 kept");
        Assert.That(put.Guests, Is.EqualTo(new[] { "keep@x.example", "new@x.example" }), "gone@ out whatever the case of its email, new@ in");
    }

    [Test]
    public async Task WhenTallyfyAlreadyHoldsTheWantedLists_NothingIsWritten()
    {
        // The listing did not show ann in the group; the read just before the write does. Bob is already out.
        _seen.Reply(HttpMethod.Get, "groups/g1", HttpStatusCode.OK, GroupJson([1, 11], ["g@x.example"]));

        var failures = await WriteAsync(Add(PersonKind.Member, "ann@x.example"), Add(PersonKind.Guest, "G@x.example"), Remove(PersonKind.Member, "bob@x.example"));

        Assert.That(failures, Is.Empty);
        Assert.That(_seen.Lines, Is.EqualTo(new[] { "GET groups/g1?with=users,guests" }), "no PUT");
    }

    [Test]
    public async Task AMemberWithoutATallyfyId_IsRefused_AndTheOthersAreStillWritten()
    {
        _seen.Reply(HttpMethod.Get, "groups/g1", HttpStatusCode.OK, GroupJson([1], []));
        _seen.Reply(HttpMethod.Put, "groups/g1", HttpStatusCode.Created, GroupJson([1, 11], []));
        var noId = Add(PersonKind.Member, "failed-invite@x.example");

        var failures = await WriteAsync(Add(PersonKind.Member, "ann@x.example"), noId);

        Assert.That(failures.Keys, Is.EqualTo(new[] { noId }));
        Assert.That(failures[noId], Does.Contain("the member has no Tallyfy id"));
        Assert.That(Body(_seen.All[1]).Members, Is.EqualTo(new long[] { 1, 11 }));
    }

    [Test]
    public async Task AGroupTallyfyDoesNotHave_IsNotCreatedWithoutCreateGroups_AndNothingIsSent()
    {
        var change = Add(PersonKind.Member, "ann@x.example") with { Group = "Ops" };

        var failures = await WriteAsync(change);

        Assert.That(_seen.All, Is.Empty);
        Assert.That(failures[change], Is.EqualTo("group Ops does not exist in Tallyfy; Sync:CreateGroups=true creates it"));
    }

    internal static PlannedChange Add(PersonKind kind, string email) => new(2, kind, email, PlanAction.AddToGroup, "add to Team", Group: "Team");

    internal static PlannedChange Remove(PersonKind kind, string email) => new(3, kind, email, PlanAction.RemoveFromGroup, "remove from Team", Group: "Team");

    internal static string GroupJson(long[] members, string[] guests) =>
        JsonSerializer.Serialize(new { data = new { id = "g1", name = "Team", description = "By hand", members, guests } });

    internal static (string Name, string Description, long[] Members, string[] Guests) Body(SeenRequest request)
    {
        using var json = JsonDocument.Parse(request.Body!);
        var root = json.RootElement;
        return (root.GetProperty("name").GetString()!, root.GetProperty("description").GetString()!,
            [.. root.GetProperty("members").EnumerateArray().Select(m => m.GetInt64())], [.. root.GetProperty("guests").EnumerateArray().Select(g => g.GetString()!)]);
    }

    private async Task<Dictionary<PlannedChange, string>> WriteAsync(params PlannedChange[] changes)
    {
        using var control = new RunControl(CancellationToken.None, TimeSpan.FromSeconds(1), TimeProvider.System);
        var journal = new JournalProtocol(null, control);
        return await GroupWriter.WriteAsync(changes, MemberIds, [Team], createGroups: false, _harness.Sender, journal, control, rosterFile: null);
    }
}
