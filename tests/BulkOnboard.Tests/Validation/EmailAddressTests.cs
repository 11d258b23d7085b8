using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Validation;

public class EmailAddressTests
{
    [TestCase("ana@northwind.example")]
    [TestCase("first.last+tag@sub.domain.example")]
    [TestCase("o'neil@adventure-works.example")]
    [TestCase("user_name-1@x-y.co.uk")]
    [TestCase("a@b.co")]
    public void IsValid_PracticalAddresses_AreAccepted(string email) => Assert.That(EmailAddress.IsValid(email), Is.True);

    [TestCase("")]
    [TestCase("plainaddress")]
    [TestCase("jörg.müller@beispiel.de")]
    [TestCase("用户@例子.广告")]
    [TestCase("ünïcode@example.com")]
    [TestCase("\uff41@example.com")]
    [TestCase("ann@bücher.example")]
    [TestCase("@no-local.example")]
    [TestCase("no-domain@")]
    [TestCase("two@@at.example")]
    [TestCase("dotless@localhost")]
    [TestCase(".leading@x.example")]
    [TestCase("trailing.@x.example")]
    [TestCase("dou..ble@x.example")]
    [TestCase("space in@x.example")]
    [TestCase("user@-hyphen.example")]
    [TestCase("user@hyphen-.example")]
    [TestCase("user@10.0.0.1")]
    [TestCase("user@[10.0.0.1]")]
    [TestCase("\"quoted\"@x.example")]
    [TestCase("user@x..example")]
    public void IsValid_MalformedAddresses_AreRefused(string email) => Assert.That(EmailAddress.IsValid(email), Is.False);

    [Test]
    public void IsValid_LocalPartOver64Bytes_IsRefused()
    {
        Assert.That(EmailAddress.IsValid(new string('a', 64) + "@x.example"), Is.True);
        Assert.That(EmailAddress.IsValid(new string('a', 65) + "@x.example"), Is.False);
    }

    [Test]
    public void Normalize_TrimsAndIgnoresCase() =>
        Assert.That(EmailAddress.Normalize("  Ann.Lee@X.Example "), Is.EqualTo("ann.lee@x.example"));
}
