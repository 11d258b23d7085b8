using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Support;

/// <summary>A <see cref="RowSender"/> wired to a MockHttp handler, with fast retries unless told otherwise.</summary>
public sealed class DeliveryHarness : IDisposable
{
    public const string BaseUrl = "https://tallyfy.test/api";
    public const string Token = "secret-token-123";

    public DeliveryHarness(DeliveryOptions? delivery = null, TimeProvider? time = null)
    {
        Delivery = delivery ?? Fast();
        Time = time ?? TimeProvider.System;
        var tallyfy = Options.Create(new TallyfyOptions { BaseUrl = BaseUrl, OrganizationId = "org 1", AccessToken = Token });
        var http = Http.ToHttpClient();
        TallyfyClient.Configure(http, tallyfy.Value);
        Gate = new PacingGate(Options.Create(Delivery), Time, NullLogger<PacingGate>.Instance);
        Sender = new RowSender(new TallyfyClient(http, tallyfy, Time), Gate, Stats, Options.Create(Delivery), Time, NullLogger<RowSender>.Instance);
    }

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

    public PacingGate Gate { get; }

    public RowSender Sender { get; }

    public const string GuestsUrl = BaseUrl + "/organizations/org%201/guests";
    public const string InviteUrl = BaseUrl + "/organizations/org%201/users/invite";

    public Task<DeliveryResult> SendAsync(PersonPayload payload, CancellationToken stop = default) => Sender.SendAsync(payload, stop, CancellationToken.None);

    public void Dispose()
    {
        Gate.Dispose();
        Http.Dispose();
    }

    public static GuestPayload Guest(string email = "g@x.example") => new() { Email = email, FirstName = "Gus", CompanyName = "Acme" };

    public static MemberPayload Member(string email = "m@x.example") => new() { Email = email, FirstName = "Mo", LastName = "Ray", Role = "standard", Message = "Welcome" };

    public const string Taken = """{"message":"The given data was invalid.","errors":{"email":["The email has already been taken."]}}""";
}
