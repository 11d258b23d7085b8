using System.Net;
using BulkOnboard.Configuration;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using BulkOnboard.Tests.Support;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Delivery;

public class ClientCredentialsTests
{
    private const string TokenUrl = "https://tallyfy.test/oauth/token"; // the host root, outside /api
    private const string Secret = "client-secret-8d7f";

    private static TallyfyOptions Credentials() => new() { BaseUrl = DeliveryHarness.BaseUrl, OrganizationId = "org 1", ClientId = "client-1", ClientSecret = Secret };

    [Test]
    public async Task Token_IsObtainedOnce_SharedByRequests_AndSentAsBearer()
    {
        using var harness = new DeliveryHarness(tallyfyOptions: Credentials());
        var tokenCalls = 0;
        harness.Http.When(HttpMethod.Post, TokenUrl)
            .WithFormData(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "client-1", ["client_secret"] = Secret })
            .Respond(_ =>
            {
                Interlocked.Increment(ref tokenCalls);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"token_type":"Bearer","expires_in":3600,"access_token":"tok-A"}""") };
            });
        harness.Http.When(DeliveryHarness.GuestsUrl).WithHeaders("Authorization", "Bearer tok-A").Respond(HttpStatusCode.Created, "application/json", DeliveryHarness.CreatedBody);

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => harness.SendAsync(DeliveryHarness.Guest($"g{i}@x.example"))));

        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(Outcome.Created));
        Assert.That(tokenCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Refused401_GetsOneNewToken_AndTheRequestIsRetried()
    {
        using var harness = new DeliveryHarness(tallyfyOptions: Credentials());
        var issued = 0;
        harness.Http.When(HttpMethod.Post, TokenUrl).Respond(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($$$"""{"token_type":"Bearer","expires_in":3600,"access_token":"tok-{{{Interlocked.Increment(ref issued)}}}"}"""),
        });
        harness.Http.When(DeliveryHarness.GuestsUrl).WithHeaders("Authorization", "Bearer tok-1").Respond(HttpStatusCode.Unauthorized);
        harness.Http.When(DeliveryHarness.GuestsUrl).WithHeaders("Authorization", "Bearer tok-2").Respond(HttpStatusCode.Created, "application/json", DeliveryHarness.CreatedBody);

        var result = await harness.SendAsync(DeliveryHarness.Guest());

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Created));
        Assert.That(issued, Is.EqualTo(2));
    }

    [Test]
    public async Task CredentialsRefused_StopsTheRun_WithoutEverShowingTheSecret()
    {
        using var harness = new DeliveryHarness(tallyfyOptions: Credentials());
        harness.Http.When(HttpMethod.Post, TokenUrl).Respond(HttpStatusCode.Unauthorized, "application/json", $$$"""{"error":"invalid_client","echo":"{{{Secret}}}"}""");

        var result = await harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.StopsRun), Is.EqualTo((Outcome.NotAttempted, true)));
        Assert.That(result.Message, Does.Contain("client credentials").And.Not.Contain(Secret));
    }

    [TestCase("https://go.tallyfy.com/api", null, "https://go.tallyfy.com/oauth/token")]
    [TestCase("http://127.0.0.1:5123/api/", null, "http://127.0.0.1:5123/oauth/token")]
    [TestCase("https://go.tallyfy.com/api", "https://login.example/tokens", "https://login.example/tokens")]
    public void ResolveTokenUrl_DefaultsToTheHostRoot_OutsideTheApi(string baseUrl, string? setting, string expected) =>
        Assert.That(new BulkOnboard.Configuration.TallyfyOptions { BaseUrl = baseUrl, TokenUrl = setting }.ResolveTokenUrl().ToString(), Is.EqualTo(expected));
}
