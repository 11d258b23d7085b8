using BulkOnboard.Delivery;

namespace BulkOnboard.Tests.Delivery;

public class GuestConfirmationTests
{
    private static readonly DateTimeOffset Attempt = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void Judge_CreatedAfterTheUnansweredAttempt_IsThisRun()
    {
        var (origin, createdAt) = GuestConfirmation.Judge(Guest("2026-11-22T09:00:01Z"), Attempt, Attempt.AddSeconds(3));

        Assert.That(origin, Is.EqualTo(GuestOrigin.ThisRun));
        Assert.That(createdAt, Is.EqualTo(Attempt.AddSeconds(1)));
    }

    [Test]
    public void Judge_CreatedLongBefore_IsBeforeThisRun() =>
        Assert.That(GuestConfirmation.Judge(Guest("2024-01-15T09:00:00Z"), Attempt, Attempt.AddSeconds(3)).Origin, Is.EqualTo(GuestOrigin.BeforeThisRun));

    [Test]
    public void Judge_ComparesOnTheServersClock()
    {
        // The client's clock is 10 minutes fast: the server created the guest "before" the client's attempt time,
        // but after it on the server's own clock, which its Date header reveals.
        var response = Guest("2026-11-22T08:50:01Z") with { ServerDate = Attempt.AddMinutes(-10).AddSeconds(3) };

        Assert.That(GuestConfirmation.Judge(response, Attempt, Attempt.AddSeconds(3)).Origin, Is.EqualTo(GuestOrigin.ThisRun));
    }

    [TestCase(404, """{"message":"Guest not found."}""")]
    [TestCase(200, """{"data":{"id":"g1"}}""")]
    [TestCase(200, "not json")]
    public void Judge_NoAnswerOrNoCreationTime_IsUnknown(int status, string body) =>
        Assert.That(GuestConfirmation.Judge(new ApiResponse(status, body, null, default), Attempt, Attempt).Origin, Is.EqualTo(GuestOrigin.Unknown));

    [TestCase("2025-01-15 10:30:00", "2025-01-15T10:30:00+00:00", TestName = "ParseCreatedAt_CreateAnswer_YmdHis_IsUtc")]
    [TestCase("2025-01-15T10:30:00Z", "2025-01-15T10:30:00+00:00", TestName = "ParseCreatedAt_Iso8601Utc")]
    [TestCase("2025-01-15T10:30:00.000000Z", "2025-01-15T10:30:00+00:00", TestName = "ParseCreatedAt_Iso8601Microseconds")]
    [TestCase("2025-01-15T12:30:00+02:00", "2025-01-15T10:30:00+00:00", TestName = "ParseCreatedAt_Iso8601WithOffset")]
    [TestCase("2025-01-15T10:30:00", "2025-01-15T10:30:00+00:00", TestName = "ParseCreatedAt_Iso8601WithoutZone_IsUtc")]
    public void ParseCreatedAt_ReadsBothShapes(string text, string expected) =>
        Assert.That(GuestConfirmation.ParseCreatedAt(text), Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));

    [TestCase("")]
    [TestCase("yesterday")]
    [TestCase(null)]
    public void ParseCreatedAt_NotATime_IsNull(string? text) => Assert.That(GuestConfirmation.ParseCreatedAt(text), Is.Null);

    [Test]
    public void Judge_CreateAnswerShape_TellsLinkedFromCreated()
    {
        // A create answers "2026-11-22 09:00:01"; the guest the run created is this run's, one created in 2024 was linked.
        Assert.That(GuestConfirmation.Judge(Guest("2026-11-22 09:00:01"), Attempt, Attempt.AddSeconds(3)).Origin, Is.EqualTo(GuestOrigin.ThisRun));
        Assert.That(GuestConfirmation.Judge(Guest("2024-01-15 09:00:00"), Attempt, Attempt.AddSeconds(3)).Origin, Is.EqualTo(GuestOrigin.BeforeThisRun));
    }

    private static ApiResponse Guest(string createdAt) =>
        new(200, $$$"""{"data":{"id":"g1","email":"g@x.example","created_at":"{{{createdAt}}}"}}""", null, default, null);
}
