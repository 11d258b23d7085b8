using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>The sandbox's tasks (TALLYFY-API.md, "Tasks and approvals", "People lifecycle"): who owns what, and what leaving does to it.</summary>
public class SandboxTasksTests
{
    private SandboxServer _sandbox = null!;
    private HttpClient _http = null!;

    private string Org => $"organizations/{_sandbox.Options.OrganizationId}";

    [SetUp]
    public async Task SetUp()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            ExistingMembers = ["leaver@contoso.example", "boss@contoso.example", "peer@contoso.example"],
            ExistingGuests = ["guest@partner.example"],
        });
        _http = new HttpClient();
        TallyfyClient.Configure(_http, new TallyfyOptions { BaseUrl = _sandbox.BaseUrl.ToString() });
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _sandbox.Options.AccessToken);
    }

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _sandbox.DisposeAsync();
    }

    private static string Owners(string memberId) => "{\"owners\":{\"users\":[" + memberId + "],\"guests\":[]}}";

    private string IdOf(string email) => _sandbox.State.Members[email].Id;

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

    [Test]
    public async Task OrgTaskListing_ByOwnerAndIncomplete_PagesWithMeta()
    {
        var leaver = IdOf("leaver@contoso.example");
        for (var i = 0; i < 23; i++)
        {
            _sandbox.State.SeedTask($"open {i}", [leaver]);
        }

        _sandbox.State.SeedTask("done", [leaver], completed: true);
        _sandbox.State.SeedTask("someone else's", [IdOf("peer@contoso.example")]);

        var ids = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var (status, body) = await Send(HttpMethod.Get, $"{Org}/tasks?owners={leaver}&status=incomplete&page={page}&per_page=10");
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("meta").GetProperty("pagination").GetProperty("total").GetInt32(), Is.EqualTo(23));
            ids.AddRange(body.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()!));
        }

        Assert.That(ids, Is.Unique.And.EquivalentTo(_sandbox.State.OpenTasksOf(leaver).Select(t => t.Id)));
        Assert.That(ids, Has.Count.EqualTo(23));
    }

    [Test]
    public async Task GuestTaskListing_ServesTenAPage_WhateverPerPageAsks()
    {
        for (var i = 0; i < 12; i++)
        {
            _sandbox.State.SeedTask($"guest task {i}", [IdOf("peer@contoso.example")], ["guest@partner.example"]);
        }

        var guestId = _sandbox.State.Guests["guest@partner.example"].Id;
        var (_, first) = await Send(HttpMethod.Get, $"{Org}/guests/{guestId}/tasks?per_page=100&status=incomplete");
        var (_, second) = await Send(HttpMethod.Get, $"{Org}/guests/{guestId}/tasks?per_page=100&status=incomplete&page=2");
        Assert.That(first.GetProperty("data").GetArrayLength(), Is.EqualTo(10));
        Assert.That(second.GetProperty("data").GetArrayLength(), Is.EqualTo(2));
        Assert.That(first.GetProperty("meta").GetProperty("pagination").GetProperty("total").GetInt32(), Is.EqualTo(12));
    }

    [Test]
    public async Task GuestTaskListing_IsAddressedByTheGuestsId_NotTheirEmail()
    {
        _sandbox.State.SeedTask("guest task", [IdOf("peer@contoso.example")], ["guest@partner.example"]);

        var (status, _) = await Send(HttpMethod.Get, $"{Org}/guests/{Uri.EscapeDataString("guest@partner.example")}/tasks?status=incomplete");

        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task AProcessStep_IsWrittenThroughItsRunsPath_NotTheOneOffPath()
    {
        var (leaver, boss) = (IdOf("leaver@contoso.example"), IdOf("boss@contoso.example"));
        var step = _sandbox.State.SeedTask("onboarding step", [leaver], runId: "run42");

        var (_, read) = await Send(HttpMethod.Get, $"{Org}/tasks/{step.Id}");
        Assert.That(read.GetProperty("data").GetProperty("run_id").GetString(), Is.EqualTo("run42"));

        Assert.That((await Send(HttpMethod.Put, $"{Org}/tasks/{step.Id}", Owners(boss))).Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await Send(HttpMethod.Put, $"{Org}/runs/other/tasks/{step.Id}", Owners(boss))).Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(_sandbox.State.Tasks[step.Id].Users, Is.EqualTo(new[] { long.Parse(leaver) }));

        Assert.That((await Send(HttpMethod.Put, $"{Org}/runs/run42/tasks/{step.Id}", Owners(boss))).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_sandbox.State.Tasks[step.Id].Users, Is.EqualTo(new[] { long.Parse(boss) }));
    }

    [Test]
    public async Task PutTask_OwnersReplaceTheAssignees_ACompletedTaskIs422()
    {
        var (leaver, peer, boss) = (IdOf("leaver@contoso.example"), IdOf("peer@contoso.example"), IdOf("boss@contoso.example"));
        var open = _sandbox.State.SeedTask("shared", [leaver, peer], ["guest@partner.example"]);
        var done = _sandbox.State.SeedTask("done", [leaver], completed: true);

        var (status, _) = await Send(HttpMethod.Put, $"{Org}/tasks/{open.Id}", Owners(boss));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_sandbox.State.Tasks[open.Id].Users, Is.EqualTo(new[] { long.Parse(boss) }), "owners replace: the others are gone");
        Assert.That(_sandbox.State.Tasks[open.Id].Guests, Is.Empty);

        (status, _) = await Send(HttpMethod.Put, $"{Org}/tasks/{done.Id}", Owners(boss));
        Assert.That(status, Is.EqualTo((HttpStatusCode)422));
        Assert.That(_sandbox.State.Tasks[done.Id].Users, Is.EqualTo(new[] { long.Parse(leaver) }));
    }

    [Test]
    public async Task Deactivation_WithReassignment_MovesOpenTasksToTo_KeepsCoAssignees_WithoutIt_TheyStay()
    {
        var (leaver, peer, boss) = (IdOf("leaver@contoso.example"), IdOf("peer@contoso.example"), IdOf("boss@contoso.example"));
        var shared = _sandbox.State.SeedTask("shared", [leaver, peer]);
        var own = _sandbox.State.SeedTask("own", [leaver]);
        var done = _sandbox.State.SeedTask("done", [leaver], completed: true);
        var peers = _sandbox.State.SeedTask("peer's", [peer]);

        var (status, _) = await Send(HttpMethod.Delete, $"{Org}/users/{peer}?with_reassignment=true&to={peer}");
        Assert.That(status, Is.EqualTo((HttpStatusCode)422), "nobody hands work to themselves");

        (status, _) = await Send(HttpMethod.Delete, $"{Org}/users/{leaver}?with_reassignment=true&to={boss}");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_sandbox.State.OpenTasksOf(leaver), Is.Empty);
        Assert.That(_sandbox.State.Tasks[shared.Id].Users, Is.EquivalentTo(new[] { long.Parse(peer), long.Parse(boss) }));
        Assert.That(_sandbox.State.Tasks[own.Id].Users, Is.EqualTo(new[] { long.Parse(boss) }));
        Assert.That(_sandbox.State.Tasks[done.Id].Users, Is.EqualTo(new[] { long.Parse(leaver) }), "a completed task keeps who did it");

        (status, _) = await Send(HttpMethod.Delete, $"{Org}/users/{peer}");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_sandbox.State.OpenTasksOf(peer).Select(t => t.Id), Is.EquivalentTo(new[] { shared.Id, peers.Id }), "without a hand-over the tasks stay on the disabled member");
    }

    [Test]
    public async Task GuestRemoval_RefusedWhileTheGuestOwnsOpenTasks_ThenAllowed()
    {
        var boss = IdOf("boss@contoso.example");
        var task = _sandbox.State.SeedTask("guest's", [boss], ["guest@partner.example"]);

        var (status, body) = await Send(HttpMethod.Delete, $"{Org}/guests/guest@partner.example");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(body.GetProperty("message").GetString(), Is.EqualTo("Cannot disable guest with incomplete tasks"));
        Assert.That(_sandbox.State.Guests.ContainsKey("guest@partner.example"), Is.True);

        (status, _) = await Send(HttpMethod.Put, $"{Org}/tasks/{task.Id}", Owners(boss));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        (status, _) = await Send(HttpMethod.Delete, $"{Org}/guests/guest@partner.example");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_sandbox.State.Guests.ContainsKey("guest@partner.example"), Is.False);
    }
}
