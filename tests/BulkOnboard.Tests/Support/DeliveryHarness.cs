using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Support;

/// <summary>A <see cref="RowSender"/> wired to a MockHttp handler, with fast retries unless told otherwise.</summary>
internal sealed class DeliveryHarness : IDisposable
{
    public const string BaseUrl = "https://tallyfy.test/api";
    public const string Token = "secret-token-123";

    public DeliveryHarness(DeliveryOptions? delivery = null, TimeProvider? time = null, TallyfyOptions? tallyfyOptions = null, bool updateExisting = false)
    {
        Delivery = delivery ?? Fast();
        Time = time ?? TimeProvider.System;
        var tallyfy = Options.Create(tallyfyOptions ?? new TallyfyOptions { BaseUrl = BaseUrl, OrganizationId = "org 1", AccessToken = Token });
        var http = Http.ToHttpClient();
        TallyfyClient.Configure(http, tallyfy.Value);
        Tokens = new AccessTokenProvider(new MockClientFactory(Http, tallyfy.Value), tallyfy, Time, NullLogger<AccessTokenProvider>.Instance);
        Sender = new RowSender(new TallyfyClient(http, tallyfy, Tokens, Time), Stats, Delivery, Time, _logger);
        _updateExisting = updateExisting;
    }

    private readonly FakeLogger<RowSender> _logger = new();

    // What the run decided for an existing guest (--on-existing update): passed with every send.
    private readonly bool _updateExisting;

    /// <summary>What the sender logged, as formatted messages.</summary>
    public IReadOnlyList<string> Logs => [.. _logger.Collector.GetSnapshot().Select(r => r.Message)];

    public MockHttpMessageHandler Http { get; } = new();

    /// <summary>Delivery options with millisecond retries and a high pace; <paramref name="change"/> adjusts them.</summary>
    public static DeliveryOptions Fast(Action<DeliveryOptions>? change = null)
    {
        var options = new DeliveryOptions
        {
            RequestsPerMinute = 60_000,
            MaxConcurrency = 4,
            MaxAttempts = 4,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            Timeout = TimeSpan.FromSeconds(10),
        };
        change?.Invoke(options);
        return options;
    }

    public DeliveryOptions Delivery { get; }

    public TimeProvider Time { get; }

    public DeliveryStats Stats { get; } = new();

    internal RequestGate Gate => Sender.Gate;

    public AccessTokenProvider Tokens { get; }

    public RowSender Sender { get; }

    public const string GuestsUrl = BaseUrl + "/organizations/org%201/guests";
    public const string InviteUrl = BaseUrl + "/organizations/org%201/users/invite";
    public const string UsersUrl = BaseUrl + "/organizations/org%201/users";
    public const string TasksUrl = BaseUrl + "/organizations/org%201/tasks";
    public const string RunsUrl = BaseUrl + "/organizations/org%201/runs";

    /// <summary>
    /// Tallyfy holds no open tasks for anyone (the org-wide listing and a guest's own) and lists no members: what a
    /// leaver path reads before it acts. Call it before any wildcard route of guests, which would answer these too.
    /// </summary>
    public void NoOpenTasks()
    {
        const string empty = """{"data":[],"meta":{"pagination":{"total":0}}}""";
        Http.When(HttpMethod.Get, TasksUrl).Respond(System.Net.HttpStatusCode.OK, "application/json", empty);
        Http.When(HttpMethod.Get, GuestsUrl + "/*/tasks").Respond(System.Net.HttpStatusCode.OK, "application/json", empty);
        Http.When(HttpMethod.Get, UsersUrl).Respond(System.Net.HttpStatusCode.OK, "application/json", empty);
    }

    public Task<DeliveryResult> SendAsync(PersonPayload payload, CancellationToken stop = default) => Sender.SendAsync(payload, stop, CancellationToken.None, updateIfExists: _updateExisting);

    public void Dispose()
    {
        Http.Dispose();
    }

    /// <summary>What Tallyfy answers a create or invite with: its record, with an id (a 2xx without one is no success).</summary>
    public const string CreatedBody = """{"data":{"id":1}}""";

    /// <summary>A 201 with <see cref="CreatedBody"/>.</summary>
    public static HttpResponseMessage Created() => new(System.Net.HttpStatusCode.Created) { Content = new StringContent(CreatedBody, System.Text.Encoding.UTF8, "application/json") };

    public static GuestPayload Guest(string email = "g@x.example") => new() { Email = email, FirstName = "Gus", CompanyName = "Acme" };

    public static MemberPayload Member(string email = "m@x.example") => new() { Email = email, FirstName = "Mo", LastName = "Ray", Role = "standard", Message = "Welcome" };

    /// <summary>Hands out clients on the same MockHttp handler, as IHttpClientFactory would.</summary>
    private sealed class MockClientFactory(MockHttpMessageHandler handler, TallyfyOptions options) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name)
        {
            var client = handler.ToHttpClient();
            TallyfyClient.Configure(client, options);
            return client;
        }
    }

    public const string Taken = """{"message":"The given data was invalid.","errors":{"email":["The email has already been taken."]}}""";
}
