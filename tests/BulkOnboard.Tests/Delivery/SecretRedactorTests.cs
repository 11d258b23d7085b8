using BulkOnboard.Delivery;

namespace BulkOnboard.Tests.Delivery;

public class SecretRedactorTests
{
    [Test]
    public void Redact_RemovesTheTokenAndAnyBearerCredential()
    {
        var text = SecretRedactor.Redact("""{"message":"bad header Authorization: Bearer eyJhbGciOi.payload.sig","echo":"tok-123456"}""", "tok-123456");

        Assert.That(text, Does.Not.Contain("eyJhbGciOi").And.Not.Contain("tok-123456"));
        Assert.That(text, Does.Contain("Bearer ***"));
    }

    [Test]
    public void Redact_RemovesTheGuestLink_FromAnAnswerReadBack()
    {
        var text = SecretRedactor.Redact("""{"data":{"id":4523,"email":"g@x.example","link":"https://go.tallyfy.com/guest/9f8e7d6c5b4a","details":{"link":"https:\/\/go.tallyfy.com\/guest\/abc\"def"}}}""");

        Assert.That(text, Does.Not.Contain("9f8e7d6c5b4a").And.Not.Contain("abc"));
        Assert.That(text, Does.Contain("\"link\":\"***\"").And.Contain("\"email\":\"g@x.example\""));
        Assert.That(System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("id").GetInt32(), Is.EqualTo(4523), "still JSON");
    }

    [TestCase("open https://go.tallyfy.com/guest/9f8e7d6c5b4a to log in", "9f8e7d6c5b4a")]
    [TestCase("see https://files.example/report.csv?token=s3cr3t&x=1 now", "s3cr3t")]
    [TestCase("https://go.tallyfy.com/api/x?access_token=abcdef", "abcdef")]
    public void Redact_RemovesTokensCarriedInUrls(string text, string token) =>
        Assert.That(SecretRedactor.Redact(text), Does.Not.Contain(token).And.Contain("***"));

    [Test]
    public void Redact_LeavesOrdinaryTextAlone() =>
        Assert.That(SecretRedactor.Redact("""{"message":"The email has already been taken.","errors":{"email":["taken"]}}"""),
            Is.EqualTo("""{"message":"The email has already been taken.","errors":{"email":["taken"]}}"""));
}
