using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>The sandbox's people lifecycle (TALLYFY-API.md, "People lifecycle beyond create and invite"): conversions, re-enable, invitations accepted.</summary>
public class SandboxLifecycleTests
{
    private const string Contractor = "contractor@partner.example";

    private SandboxServer _sandbox = null!;
    private HttpClient _http = null!;

    private string Org => $"organizations/{_sandbox.Options.OrganizationId}";

    private SandboxState State => _sandbox.State;

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _sandbox.DisposeAsync();
    }

    private async Task Start(SandboxOptions options)
    {
        options.ExistingMembers = options.ExistingMembers.Count > 0 ? options.ExistingMembers : ["boss@contoso.example", "peer@contoso.example"];
        _sandbox = await SandboxServer.StartAsync(options);
        _http = new HttpClient();
        TallyfyClient.Configure(_http, new TallyfyOptions { BaseUrl = _sandbox.BaseUrl.ToString() });
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _sandbox.Options.AccessToken);
        State.Guests[Contractor] = new SandboxPerson("77", "guest", Contractor, new Dictionary<string, string?> { ["first_name"] = "Con", ["last_name"] = "Tractor" }, DateTimeOffset.UnixEpoch);
    }

    private long IdOf(string email) => long.Parse(State.Members[email].Id);

    private string? StatusOf(string email) => State.Members[email].Fields.GetValueOrDefault("status");

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> ToMember(string email) =>
        Send(HttpMethod.Post, $"{Org}/guests/{Uri.EscapeDataString(email)}/to/member");

    private Task<(HttpStatusCode Status, JsonElement Body)> ToGuest(long id) => Send(HttpMethod.Put, $"{Org}/users/{id}/to/guest");

    private Task<(HttpStatusCode Status, JsonElement Body)> Invite(string email) =>
        Send(HttpMethod.Post, $"{Org}/users/invite", JsonSerializer.Serialize(new { email, first_name = "New", last_name = "Hire", role = "standard", message = "Welcome" }));

    private SandboxGroup Group(string name, IEnumerable<long> members, IEnumerable<string>? guests = null)
    {
        var group = new SandboxGroup(Guid.NewGuid().ToString("N"), name, name, [.. members], [.. guests ?? []]);
        State.Groups[group.Id] = group;
        return group;
    }

    [Test]
    public async Task GuestToMember_KeepsOpenAndCompletedTaskHistory_AndGroups_AnswersTheListedMember()
    {
        await Start(new SandboxOptions());
        var boss = IdOf("boss@contoso.example");
        var open = State.SeedTask("open", [$"{boss}"], [Contractor]);
        var done = State.SeedTask("done", [$"{boss}"], [Contractor], completed: true);
        var other = State.SeedTask("someone else's", [$"{boss}"], ["other@partner.example"]);
        var group = Group("Contractors", [boss], [Contractor]);

        var (status, body) = await ToMember(Contractor);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), body.ToString());
        var data = body.GetProperty("data");
        var id = data.GetProperty("id").GetInt64();
        Assert.That((data.GetProperty("email").GetString(), data.GetProperty("role").GetString(), data.GetProperty("status").GetString(), data.GetProperty("first_name").GetString()),
            Is.EqualTo((Contractor, "standard", "active", "Con")));
        Assert.That(State.Guests.ContainsKey(Contractor), Is.False, "no longer a guest");
        Assert.That(IdOf(Contractor), Is.EqualTo(id));
        foreach (var task in new[] { open, done })
        {
            Assert.That(State.Tasks[task.Id].Users, Is.EquivalentTo(new[] { boss, id }), task.Title);
            Assert.That(State.Tasks[task.Id].Guests, Is.Empty, task.Title);
        }

        Assert.That(State.OpenTasksOf(id.ToString()).Select(t => t.Id), Is.EqualTo(new[] { open.Id }));
        Assert.That(State.Tasks[other.Id].Users, Is.EqualTo(new[] { boss }));
        Assert.That(State.Groups[group.Id].Members, Is.EquivalentTo(new[] { boss, id }));
        Assert.That(State.Groups[group.Id].Guests, Is.Empty);
        Assert.That(State.Requests.Last(), Has.Property(nameof(ReceivedRequest.Email)).EqualTo(Contractor).And.Property(nameof(ReceivedRequest.Status)).EqualTo(201));

        (status, body) = await ToMember(Contractor);
        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound), "no such guest any more");
        Assert.That(body.GetProperty("code").GetString(), Is.EqualTo("RESOURCE_NOT_FOUND"));
    }

    [Test]
    public async Task GuestToMember_AMemberWithThatEmail_Is422_NothingChanges()
    {
        await Start(new SandboxOptions());
        State.Guests["peer@contoso.example"] = new SandboxPerson("78", "guest", "peer@contoso.example", new Dictionary<string, string?>(), DateTimeOffset.UnixEpoch);
        var before = State.Members.Count;

        var (status, body) = await ToMember("peer@contoso.example");

        Assert.That(status, Is.EqualTo((HttpStatusCode)422));
        Assert.That(body.GetProperty("errors").GetProperty("email").EnumerateArray().Single().GetString(), Does.Contain("member"));
        Assert.That((State.Members.Count, State.Guests.ContainsKey("peer@contoso.example")), Is.EqualTo((before, true)));
    }

    [Test]
    public async Task GuestToMember_NoFreeSeat_Is409_UntilADeactivationFreesOne()
    {
        await Start(new SandboxOptions { SeatLimit = 2 });

        var (status, body) = await ToMember(Contractor);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(body.GetProperty("error").GetProperty("message").GetString(), Does.Contain("seat"));
        Assert.That((State.Guests.ContainsKey(Contractor), State.Members.ContainsKey(Contractor)), Is.EqualTo((true, false)));

        Assert.That((await Send(HttpMethod.Delete, $"{Org}/users/{IdOf("peer@contoso.example")}")).Status, Is.EqualTo(HttpStatusCode.OK));
        (status, _) = await ToMember(Contractor);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), "a disabled member holds no seat");

        (status, _) = await Send(HttpMethod.Put, $"{Org}/users/{IdOf("peer@contoso.example")}/enable");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Conflict), "re-enabling takes a seat again");
        Assert.That(StatusOf("peer@contoso.example"), Is.EqualTo("disabled"));
    }

    [Test]
    public async Task MemberToGuest_MovesOpenTasksToTheGuest_CompletedKeepTheMember_LeavesGroups_FreesTheSeat()
    {
        await Start(new SandboxOptions { SeatLimit = 2 });
        var (boss, peer) = (IdOf("boss@contoso.example"), IdOf("peer@contoso.example"));
        var open = State.SeedTask("open", [$"{peer}", $"{boss}"]);
        var done = State.SeedTask("done", [$"{peer}"], completed: true);
        var group = Group("Engineering", [peer, boss]);
        Assert.That((await Invite("new@contoso.example")).Status, Is.EqualTo(HttpStatusCode.Conflict), "the pool is full first");

        var (status, body) = await ToGuest(peer);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.GetProperty("data").GetProperty("email").GetString(), Is.EqualTo("peer@contoso.example"));
        Assert.That(StatusOf("peer@contoso.example"), Is.EqualTo("disabled"));
        Assert.That(State.Guests.ContainsKey("peer@contoso.example"), Is.True);
        Assert.That(State.Tasks[open.Id].Users, Is.EqualTo(new[] { boss }));
        Assert.That(State.Tasks[open.Id].Guests, Is.EqualTo(new[] { "peer@contoso.example" }));
        Assert.That(State.OpenTasksOf("peer@contoso.example").Select(t => t.Id), Is.EqualTo(new[] { open.Id }));
        Assert.That(State.Tasks[done.Id].Users, Is.EqualTo(new[] { peer }), "a completed task keeps who did it");
        Assert.That(State.Groups[group.Id].Members, Is.EqualTo(new[] { boss }));
        Assert.That((await Invite("new@contoso.example")).Status, Is.EqualTo(HttpStatusCode.Created), "the seat is free");

        (status, _) = await ToGuest(peer);
        Assert.That(status, Is.EqualTo((HttpStatusCode)422), "a disabled member");
        (status, _) = await ToGuest(999999);
        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task MemberToGuest_RefusedForTheDefaultAdministrator()
    {
        await Start(new SandboxOptions { DefaultAdmin = "owner@contoso.example" });

        var (status, _) = await ToGuest(long.Parse(State.DefaultAdmin!.Id));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(State.Guests.ContainsKey("owner@contoso.example"), Is.False);
    }

    [Test]
    public async Task MemberToGuest_RefusedForTheOnlyActiveAdmin_AllowedOnceThereIsAnother()
    {
        await Start(new SandboxOptions { DefaultAdmin = "" }); // no default administrator: the members' admins are all there are
        foreach (var email in new[] { "boss@contoso.example", "peer@contoso.example" })
        {
            State.Members[email] = State.Members[email] with { Fields = new Dictionary<string, string?>(State.Members[email].Fields) { ["role"] = "admin" } };
        }

        Assert.That((await Send(HttpMethod.Delete, $"{Org}/users/{IdOf("peer@contoso.example")}")).Status, Is.EqualTo(HttpStatusCode.OK));

        var (status, body) = await ToGuest(IdOf("boss@contoso.example"));
        Assert.That(status, Is.EqualTo((HttpStatusCode)422));
        Assert.That(body.GetProperty("errors").ToString(), Does.Contain("only administrator"));
        Assert.That(StatusOf("boss@contoso.example"), Is.EqualTo("active"));

        Assert.That((await Send(HttpMethod.Put, $"{Org}/users/{IdOf("peer@contoso.example")}/enable")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ToGuest(IdOf("boss@contoso.example"))).Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Deactivation_EmptiesGroups_EnableReactivatesWithoutThem_EnableOnActiveIsHarmless()
    {
        await Start(new SandboxOptions());
        var (boss, peer) = (IdOf("boss@contoso.example"), IdOf("peer@contoso.example"));
        var first = Group("One", [peer, boss]);
        var second = Group("Two", [peer]);

        Assert.That((await Send(HttpMethod.Delete, $"{Org}/users/{peer}")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((State.Groups[first.Id].Members, State.Groups[second.Id].Members), Is.EqualTo((new[] { boss }, Array.Empty<long>())));

        var (status, body) = await Send(HttpMethod.Put, $"{Org}/users/{peer}/enable");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("data").GetProperty("status").GetString(), Is.EqualTo("active"));
        Assert.That(StatusOf("peer@contoso.example"), Is.EqualTo("active"));
        Assert.That(State.Groups.Values.Where(g => g.Members.Contains(peer)), Is.Empty, "group memberships are not restored");

        (status, body) = await Send(HttpMethod.Put, $"{Org}/users/{boss}/enable");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((body.GetProperty("data").GetProperty("status").GetString(), StatusOf("boss@contoso.example")), Is.EqualTo(("active", "active")));
        Assert.That(State.Groups[first.Id].Members, Is.EqualTo(new[] { boss }));
    }

    [Test]
    public async Task AcceptInvitation_OnDemand_FlipsInvitedToActive_Once()
    {
        await Start(new SandboxOptions());
        Assert.That((await Invite("new@contoso.example")).Status, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(StatusOf("new@contoso.example"), Is.EqualTo("invited"));

        using (var accepted = await _http.PostAsync($"_sandbox/accept?email={Uri.EscapeDataString("new@contoso.example")}", null))
        {
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await accepted.Content.ReadAsStringAsync(), Does.Contain("\"accepted\":true"));
        }

        Assert.That(StatusOf("new@contoso.example"), Is.EqualTo("active"));
        Assert.That(State.AcceptInvitation("new@contoso.example"), Is.False, "already active");
        Assert.That(State.AcceptInvitation("nobody@contoso.example"), Is.False);
        using var unknown = await _http.PostAsync("_sandbox/accept?email=nobody%40contoso.example", null);
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task AcceptInvitesAfter_AnInvitedMemberTurnsActiveAfterThatManyFurtherRequests()
    {
        await Start(new SandboxOptions { AcceptInvitesAfter = 2 });
        var (_, invited) = await Invite("new@contoso.example");
        var id = invited.GetProperty("data").GetProperty("id").GetInt64();

        var seen = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            seen.Add((await Send(HttpMethod.Get, $"{Org}/users/{id}")).Body.GetProperty("data").GetProperty("status").GetString());
        }

        Assert.That(seen, Is.EqualTo(new[] { "invited", "invited", "active" }));
    }
}
