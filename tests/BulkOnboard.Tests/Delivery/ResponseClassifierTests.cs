using BulkOnboard.Delivery;

namespace BulkOnboard.Tests.Delivery;

public class ResponseClassifierTests
{
    [TestCase(200, """{"data":{"id":"a1b2c3","email":"g@x.example"}}""", "a1b2c3")]
    [TestCase(201, """{"data":{"id":4711,"email":"m@x.example","status":"invited"}}""", "4711")]
    [TestCase(201, "not json", null)]
    public void Classify_Success_ReadsTheNewId(int status, string body, string? id)
    {
        var verdict = ResponseClassifier.Classify(Response(status, body));

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.Succeeded));
        Assert.That(verdict.TallyfyId, Is.EqualTo(id));
    }

    [TestCase(200, """{"error":true,"message":"Internal failure, nothing was saved"}""", "it reports an error: Internal failure, nothing was saved")]
    [TestCase(201, "<!DOCTYPE html><html><body><form action=\"/sso/login\"></form></body></html>", "an HTML page")]
    [TestCase(201, "", "an empty body")]
    [TestCase(201, "  ", "an empty body")]
    [TestCase(201, "[]", "a JSON array, not an object")]
    [TestCase(201, "{}", "no record in data")]
    [TestCase(201, """{"data":[]}""", "no record in data")]
    [TestCase(201, """{"data":{"email":"g@x.example"}}""", "a record without an id")]
    [TestCase(201, """{"data":{"id":""}}""", "a record without an id")]
    [TestCase(201, """{"data":{"id":null}}""", "a record without an id")]
    [TestCase(200, """{"data":{"id":5},"error":{"code":"X","message":"half done"}}""", "it reports an error: half done")]
    [TestCase(201, "not json", "not JSON (not json)")]
    public void Classify_A2xxThatIsNotTheRecordAWriteAnswers_IsUnconfirmed_MaybeApplied_AndRetried(int status, string body, string problem)
    {
        var verdict = ResponseClassifier.Classify(Response(status, body) with { Expected = AnswerShape.Record });

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.Unconfirmed));
        Assert.That((verdict.MaybeApplied, verdict.IsRetryable, verdict.TallyfyId), Is.EqualTo((true, true, (string?)null)));
        Assert.That(verdict.Message, Does.StartWith($"HTTP {status}, but the answer is not Tallyfy's").And.Contain(problem));
    }

    [TestCase(200, """{"data":{"id":22,"role":"admin"}}""")]
    [TestCase(200, """{"message":"Role updated"}""")]
    [TestCase(204, "")]
    public void Classify_AnAcknowledgement_IsASuccess(int status, string body) =>
        Assert.That(ResponseClassifier.Classify(Response(status, body) with { Expected = AnswerShape.Acknowledgement }).Kind, Is.EqualTo(ApiVerdictKind.Succeeded));

    [TestCase(200, """{"error":true,"message":"Internal failure, nothing was saved"}""")]
    [TestCase(200, "<html>Sign in</html>")]
    [TestCase(200, "")]
    public void Classify_AnAcknowledgementThatIsNone_IsUnconfirmed(int status, string body) =>
        Assert.That(ResponseClassifier.Classify(Response(status, body) with { Expected = AnswerShape.Acknowledgement }).Kind, Is.EqualTo(ApiVerdictKind.Unconfirmed));

    [Test]
    public void Classify_AnApiMessageWithControlCharacters_IsEscaped_BeforeItReachesAReport()
    {
        var verdict = ResponseClassifier.Classify(Response(422, """{"message":"bad \u001b[2J\u001b]0;pwned\u0007 value"}"""));

        Assert.That(verdict.Message, Is.EqualTo("HTTP 422: bad \\u001b[2J\\u001b]0;pwned\\u0007 value"));
    }

    [TestCase(301)]
    [TestCase(302)]
    [TestCase(303)]
    [TestCase(307)]
    [TestCase(308)]
    public void Classify_Redirect_IsAFailureOfTheRow_SayingWhereItPointed(int status)
    {
        var verdict = ResponseClassifier.Classify(Response(status, "") with { Location = new Uri("https://sso.example/login") });

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.Rejected));
        Assert.That(verdict.IsRetryable, Is.False);
        Assert.That(verdict.Message, Does.Contain("redirect to https://sso.example/login").And.Contain("not followed"));
    }

    [TestCase("The email has already been taken.")]
    [TestCase("This email already exists in your organization.")]
    [TestCase("The email belongs to an existing member of this organization.")]
    public void Classify_422AboutTheEmailExisting_IsAlreadyExists(string message)
    {
        var verdict = ResponseClassifier.Classify(Response(422, $$$"""{"message":"The given data was invalid.","errors":{"email":["{{{message}}}"]}}"""));

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.AlreadyExists));
    }

    [Test]
    public void Classify_422AboutAnotherFieldToo_IsARejectionWithTheApisWords()
    {
        var verdict = ResponseClassifier.Classify(Response(422,
            """{"message":"The given data was invalid.","errors":{"email":["The email has already been taken."],"first_name":["The first name may not be greater than 32 characters."]}}"""));

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.Rejected));
        Assert.That(verdict.Message, Does.Contain("first_name: The first name may not be greater than 32 characters."));
    }

    [Test]
    public void Classify_422AboutAnInvalidEmail_IsARejection()
    {
        var verdict = ResponseClassifier.Classify(Response(422, """{"message":"The given data was invalid.","errors":{"email":["The email must be a valid email address."]}}"""));

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.Rejected));
        Assert.That(verdict.Message, Is.EqualTo("HTTP 422: email: The email must be a valid email address."));
    }

    [Test]
    public void Classify_401_IsAnAuthFailure() =>
        Assert.That(ResponseClassifier.Classify(Response(401, """{"message":"Unauthenticated."}""")).Kind, Is.EqualTo(ApiVerdictKind.Unauthorized));

    [Test]
    public void Classify_403_RefusesThatRequestOnly_WithTallyfysMessage()
    {
        var verdict = ResponseClassifier.Classify(Response(403, """{"message":"You are not allowed to invite admins."}"""));

        Assert.That((verdict.Kind, verdict.Message), Is.EqualTo((ApiVerdictKind.Forbidden, "HTTP 403: Tallyfy refused this request: You are not allowed to invite admins.")));
    }

    [Test]
    public void Classify_SeatPool409_AsTallyfyDocumentsIt_IsSeatsExhausted() =>
        Assert.That(ResponseClassifier.Classify(Response(409, """{"error":{"code":"SEAT_POOL_EXHAUSTED","details":{"pool_type":"full"}}}""")).Kind,
            Is.EqualTo(ApiVerdictKind.SeatsExhausted));

    [Test]
    public void Classify_429_IsRateLimitedAndCarriesRetryAfter_AndIsFlowControlNotAnAttemptToRetry()
    {
        var verdict = ResponseClassifier.Classify(Response(429, "", TimeSpan.FromSeconds(7)));

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.RateLimited));
        Assert.That(verdict.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(7)));
        Assert.That((verdict.IsRetryable, verdict.IsOutageLike, verdict.MaybeApplied, verdict.IsAnswer), Is.EqualTo((false, false, false, true)));
    }

    [Test]
    public void Classify_NoAnswer_IsRetryableOutageLikeAndMaybeApplied()
    {
        var dropped = ResponseClassifier.Classify(Polly.Outcome.FromException<ApiResponse>(new HttpRequestException("reset")), TimeSpan.FromSeconds(30));
        var timedOut = ResponseClassifier.Classify(Polly.Outcome.FromException<ApiResponse>(new Polly.Timeout.TimeoutRejectedException()), TimeSpan.FromSeconds(30));

        Assert.That((dropped.Kind, dropped.IsRetryable, dropped.IsOutageLike, dropped.MaybeApplied), Is.EqualTo((ApiVerdictKind.NoAnswer, true, true, true)));
        Assert.That((timedOut.Kind, timedOut.Message), Is.EqualTo((ApiVerdictKind.NoAnswer, "no response within 30 s")));
    }

    [TestCase(503, false)]
    [TestCase(408, false)]
    [TestCase(502, true)]
    [TestCase(500, true)]
    public void Classify_ServerErrors_MayHaveBeenApplied_ExceptTheOnesThatSayNotProcessed(int status, bool maybeApplied) =>
        Assert.That(ResponseClassifier.Classify(Response(status, "")).MaybeApplied, Is.EqualTo(maybeApplied));

    [TestCase(408)]
    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(504)]
    public void Classify_ServerTrouble_IsTransient(int status)
    {
        var verdict = ResponseClassifier.Classify(Response(status, "<html>oops</html>"));

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.Transient));
        Assert.That(verdict.IsRetryable, Is.True);
    }

    [TestCase(402, """{"message":"Payment required: upgrade your plan."}""")]
    [TestCase(409, """{"message":"Your plan's licence limit is reached."}""")]
    public void Classify_AccountCannotTakeMorePeople_StopsTheRun(int status, string body) =>
        Assert.That(ResponseClassifier.Classify(Response(status, body)).Kind, Is.EqualTo(ApiVerdictKind.AccountLimit));

    [TestCase(400)]
    [TestCase(404)]
    [TestCase(409)]
    public void Classify_OtherClientErrors_AreRejections(int status)
    {
        var verdict = ResponseClassifier.Classify(Response(status, """{"message":"Guest not found."}"""));

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.Rejected));
        Assert.That(verdict.Message, Is.EqualTo($"HTTP {status}: Guest not found."));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Classify_OrganizationNotFound_IsTheWrongTarget_NamingOrganizationId_WhateverCameBefore(bool targetProven)
    {
        var verdict = ResponseClassifier.Classify(Response(404, """{"error":true,"message":"Organization not found.","code":"RESOURCE_NOT_FOUND"}"""), targetProven);

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.WrongTarget));
        Assert.That(verdict.Message, Does.Contain("check Tallyfy:OrganizationId"));
    }

    [TestCase("", false, "WrongTarget")]
    [TestCase("<html><body>Not Found</body></html>", false, "WrongTarget")]
    [TestCase("", true, "Rejected")]
    [TestCase("""{"message":"Guest not found."}""", false, "Rejected")]
    public void Classify_A404ThatIsNotTallyfys_IsTheWrongTarget_OnlyBeforeAnySuccess(string body, bool targetProven, string kind)
    {
        var verdict = ResponseClassifier.Classify(Response(404, body), targetProven);

        Assert.That(verdict.Kind.ToString(), Is.EqualTo(kind));
        if (verdict.Kind == ApiVerdictKind.WrongTarget)
        {
            Assert.That(verdict.Message, Does.Contain("check Tallyfy:BaseUrl"));
        }
    }

    [TestCase("refused", false, "WrongTarget")]
    [TestCase("dns", false, "WrongTarget")]
    [TestCase("tls", false, "WrongTarget")]
    [TestCase("refused", true, "NoAnswer")]
    [TestCase("dns", true, "NoAnswer")]
    public void Classify_AConnectionNoWaitMends_IsTheWrongTarget_OnlyBeforeAnySuccess(string failure, bool targetProven, string kind)
    {
        var verdict = ResponseClassifier.Classify(Polly.Outcome.FromException<ApiResponse>(WrongTargetTests.Unreachable(failure)), TimeSpan.FromSeconds(30), targetProven);

        Assert.That(verdict.Kind.ToString(), Is.EqualTo(kind));
        if (verdict.Kind == ApiVerdictKind.WrongTarget)
        {
            Assert.That((verdict.MaybeApplied, verdict.IsRetryable), Is.EqualTo((false, false)));
            Assert.That(verdict.Message, Does.Contain("check Tallyfy:BaseUrl"));
        }
    }

    [Test]
    public void Classify_ADroppedConnectionBeforeAnySuccess_IsNoAnswer_WaitedOut() =>
        Assert.That(ResponseClassifier.Classify(Polly.Outcome.FromException<ApiResponse>(new HttpRequestException("reset", new IOException("Connection reset by peer"))), TimeSpan.FromSeconds(30), targetProven: false).Kind,
            Is.EqualTo(ApiVerdictKind.NoAnswer));

    [Test]
    public void Classify_EndpointNotFound_IsTheWrongTarget_NamingTheBaseUrl()
    {
        var verdict = ResponseClassifier.Classify(Response(404, """{"error":true,"message":"API endpoint not found","code":"ENDPOINT_NOT_FOUND"}"""));

        Assert.That(verdict.Kind, Is.EqualTo(ApiVerdictKind.WrongTarget));
        Assert.That(verdict.Message, Does.Contain("check Tallyfy:BaseUrl"));
    }

    [Test]
    public void Classify_ResourceNotFound_IsThatOneThingMissing() =>
        Assert.That(ResponseClassifier.Classify(Response(404, """{"error":true,"message":"Resource not found","code":"RESOURCE_NOT_FOUND"}""")).Kind, Is.EqualTo(ApiVerdictKind.Rejected));

    [Test]
    public void Classify_WrongOrganization403_IsTheWrongTarget() =>
        Assert.That(ResponseClassifier.Classify(Response(403, """{"message":"You don't have application's permissions for this organization!"}""")).Kind, Is.EqualTo(ApiVerdictKind.WrongTarget));

    [TestCase("Manual member invites are blocked: this organization requires SSO.")]
    [TestCase("Your organization uses Single Sign-On; invite members through your identity provider.")]
    public void Classify_403NamingSso_BlocksInvites(string message) =>
        Assert.That(ResponseClassifier.Classify(Response(403, $$$"""{"message":"{{{message}}}"}""")).Kind, Is.EqualTo(ApiVerdictKind.InvitesBlockedBySso));

    [TestCase("full")]
    [TestCase("light")]
    public void Classify_SeatPool409_NamesItsPool(string pool) =>
        Assert.That(ResponseClassifier.Classify(Response(409, "{\"error\":{\"code\":\"SEAT_POOL_EXHAUSTED\",\"details\":{\"pool_type\":\"" + pool + "\"}}}")).SeatPool, Is.EqualTo(pool));

    private static ApiResponse Response(int status, string body, TimeSpan? retryAfter = null) => new(status, body, retryAfter, default);
}
