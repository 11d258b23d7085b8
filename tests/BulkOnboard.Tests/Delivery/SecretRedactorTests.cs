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
}
