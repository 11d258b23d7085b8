using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Text.Json;
using BulkOnboard.Delivery;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using BulkOnboard.Tests.Support;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Delivery;

public class RowSenderTests
{
    private DeliveryHarness _harness = null!;

    [SetUp]
    public void SetUp() => _harness = new DeliveryHarness();

    [TearDown]
    public void TearDown() => _harness.Dispose();

    [Test]
    public async Task SendAsync_Guest_PostsJsonWithTheThreeRequiredHeadersAndNoNulls()
    {
        string? body = null;
        _harness.Http.Expect(HttpMethod.Post, DeliveryHarness.GuestsUrl)
            .WithHeaders("Authorization", $"Bearer {DeliveryHarness.Token}")
            .WithHeaders("Accept", "application/json")
            .WithHeaders("X-Tallyfy-Client", "APIClient")
            .With(request =>
            {
                body = request.Content!.ReadAsStringAsync().Result;
                return request.Content.Headers.ContentType?.MediaType == "application/json";
            })
            .Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":"gst42"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        _harness.Http.VerifyNoOutstandingExpectation();
        Assert.That((result.Outcome, result.TallyfyId, result.Attempts), Is.EqualTo((Outcome.Created, "gst42", 1)));
        using var json = JsonDocument.Parse(body!);
        Assert.That(json.RootElement.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "email", "first_name", "company_name" }));
    }

    [Test]
    public async Task SendAsync_GuestTallyfyKnewGlobally_IsCreatedForScripts_WithALinkedMessage()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json",
            """{"data":{"id":4523,"email":"g@x.example","created_at":"2025-01-15 10:30:00","details":{}}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.TallyfyId), Is.EqualTo((Outcome.Created, "4523")));
        Assert.That(result.Message, Does.Contain("linked").And.Contain("2025-01-15 10:30:00Z"));
        Assert.That((result.Linked, result.Onboarded), Is.EqualTo((true, false)), "a linked guest is never BulkOnboard's to remove");
    }

    [Test]
    public async Task SendAsync_Member_PostsToInviteAndIsInvited()
    {
        _harness.Http.Expect(HttpMethod.Post, DeliveryHarness.InviteUrl)
            .Respond(HttpStatusCode.OK, "application/json", """{"data":{"id":77,"status":"invited"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Member());

        Assert.That((result.Outcome, result.TallyfyId), Is.EqualTo((Outcome.Invited, "77")));
    }

    [Test]
    public async Task SendAsync_TransientFailuresThenSuccess_RetriesAndSucceeds()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.ServiceUnavailable);
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.RequestTimeout);
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", """{"data":{"id":"g1"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.Attempts), Is.EqualTo((Outcome.Created, 3)));
        Assert.That((_harness.Stats.Requests, _harness.Stats.Retries), Is.EqualTo((3L, 2L)));
    }

    [Test]
    public async Task SendAsync_ServerErrorForEveryAttempt_BreakerNotTripped_FailsAfterMaxAttempts()
    {
        // Twenty workers: four failures are not yet enough for the breaker to call it an outage.
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o => o.MaxConcurrency = 20));
        harness.Http.When(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.BadGateway);

        var result = await harness.SendAsync(DeliveryHarness.Guest()).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Failed));
        Assert.That(result.Attempts, Is.EqualTo(harness.Delivery.MaxAttempts));
        Assert.That(result.Message, Does.StartWith("gave up after 4 attempt(s): HTTP 502"));
    }

    [Test]
    public async Task SendAsync_DroppedConnectionThenDuplicate_ReportsCreatedBecauseTheFirstAttemptDidIt()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Throw(new HttpRequestException("The response ended prematurely."));
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That(result.Outcome, Is.EqualTo(Outcome.Created));
        Assert.That(result.Message, Does.Contain("most likely that attempt created it"));
    }

    [Test]
    public async Task SendAsync_LostResponseThenDuplicate_GuestCreatedThen_IsConfirmedCreated()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.BadGateway);
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        _harness.Http.Expect(HttpMethod.Get, DeliveryHarness.GuestsUrl + "/g%40x.example").Respond(HttpStatusCode.OK, "application/json",
            $$$"""{"data":{"id":"g9","created_at":"{{{DateTimeOffset.UtcNow:O}}}"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        _harness.Http.VerifyNoOutstandingExpectation();
        Assert.That(result.Outcome, Is.EqualTo(Outcome.Created));
        Assert.That(result.Message, Does.Contain("so that attempt created it"));
    }

    [Test]
    public async Task SendAsync_LostResponseThenDuplicate_GuestOlderThanTheRun_IsSkippedAlreadyExists()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Throw(new HttpRequestException("Connection reset by peer"));
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);
        _harness.Http.Expect(HttpMethod.Get, DeliveryHarness.GuestsUrl + "/g%40x.example").Respond(HttpStatusCode.OK, "application/json",
            """{"data":{"id":"g9","created_at":"2024-01-15T09:00:00Z"}}""");

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.Reason), Is.EqualTo((Outcome.Skipped, Outcomes.AlreadyExists)));
        Assert.That(result.Message, Does.Contain("existed before this run"));
    }

    [Test]
    public async Task SendAsync_503ThenDuplicate_IsSkipped_BecauseA503WasNotProcessed()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.ServiceUnavailable);
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.Reason), Is.EqualTo((Outcome.Skipped, Outcomes.AlreadyExists)));
    }

    [Test]
    public async Task SendAsync_TimeoutThenDuplicate_ReportsInvited()
    {
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o => o.Timeout = TimeSpan.FromMilliseconds(100)));
        harness.Http.Expect(DeliveryHarness.InviteUrl).Respond(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return DeliveryHarness.Created();
        });
        harness.Http.Expect(DeliveryHarness.InviteUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);

        var result = await harness.SendAsync(DeliveryHarness.Member());

        Assert.That((result.Outcome, result.Attempts), Is.EqualTo((Outcome.Invited, 2)));
        Assert.That(result.Message, Does.Contain("no response within 0.1 s"));
    }

    [Test]
    public async Task SendAsync_PlainDuplicate_IsSkippedAlreadyExists()
    {
        _harness.Http.Expect(DeliveryHarness.GuestsUrl).Respond((HttpStatusCode)422, "application/json", DeliveryHarness.Taken);

        var result = await _harness.SendAsync(DeliveryHarness.Guest());

        Assert.That((result.Outcome, result.Reason, result.HttpStatus), Is.EqualTo((Outcome.Skipped, Outcomes.AlreadyExists, (int?)422)));
    }

    [Test]
    public async Task SendAsync_StopRequestedBeforehand_SendsNothing()
    {
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        var result = await _harness.SendAsync(DeliveryHarness.Guest(), stop.Token);

        Assert.That((result.Outcome, result.Attempts), Is.EqualTo((Outcome.NotAttempted, 0)));
        Assert.That(_harness.Stats.Requests, Is.Zero);
    }
}
