using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>The sandbox's switchable outage, as the delivery tests and a developer at a terminal use it.</summary>
public class SandboxFaultTests
{
    [Test]
    public async Task OutageSwitchedOnAndOff_Answers503ThenAppliesAgain()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        using var http = new HttpClient();
        TallyfyClient.Configure(http, new TallyfyOptions { BaseUrl = sandbox.BaseUrl.ToString() });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sandbox.Options.AccessToken);
        async Task<HttpStatusCode> Post(string email)
        {
            using var content = new StringContent($$"""{"email":"{{email}}"}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync($"organizations/{sandbox.Options.OrganizationId}/guests", content);
            return response.StatusCode;
        }

        using (await http.PostAsync("_sandbox/outage?seconds=600", null))
        {
        }

        Assert.That(await Post("during@x.example"), Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(sandbox.State.Guests.ContainsKey("during@x.example"), Is.False, "nothing is applied during an outage");

        using (await http.DeleteAsync("_sandbox/outage"))
        {
        }

        Assert.That(await Post("after@x.example"), Is.EqualTo(HttpStatusCode.Created));
        Assert.That(sandbox.State.Guests.ContainsKey("after@x.example"), Is.True);
    }
}
