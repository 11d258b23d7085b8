using BulkOnboard.Input;

namespace BulkOnboard.Tests.Input;

public class HeaderMatcherTests
{
    private readonly HeaderMatcher _matcher = new();

    [TestCase("Email", Field.Email)]
    [TestCase("E-mail", Field.Email)]
    [TestCase("Email Address", Field.Email)]
    [TestCase("E-mail Address", Field.Email)]
    [TestCase("Work Email", Field.Email)]
    [TestCase("Mail", Field.Email)]
    [TestCase("First Name", Field.FirstName)]
    [TestCase("Firstname", Field.FirstName)]
    [TestCase("Given Name", Field.FirstName)]
    [TestCase("Forename", Field.FirstName)]
    [TestCase("Last Name", Field.LastName)]
    [TestCase("Surname", Field.LastName)]
    [TestCase("Family Name", Field.LastName)]
    [TestCase("Company", Field.CompanyName)]
    [TestCase("Organisation", Field.CompanyName)]
    [TestCase("Employer", Field.CompanyName)]
    [TestCase("Mobile Phone", Field.Phone1)]
    [TestCase("Telephone", Field.Phone1)]
    [TestCase("Phone 2", Field.Phone2)]
    [TestCase("Other Phone", Field.Phone2)]
    [TestCase("User Type", Field.Kind)]
    [TestCase("Person Type", Field.Kind)]
    [TestCase("Tallyfy Role", Field.Role)]
    [TestCase("Time Zone", Field.Timezone)]
    [TestCase("TZ", Field.Timezone)]
    [TestCase("Associated Members", Field.AssociatedMembers)]
    [TestCase("Invite Message", Field.Message)]
    [TestCase("company_url", Field.CompanyUrl)]
    [TestCase("Opportunity URL", Field.OpportunityUrl)]
    [TestCase("External Date Creation", Field.ExternalDateCreation)]
    public void Resolve_ProductAlias_FindsField(string header, string field) =>
        Assert.That(_matcher.Resolve(header), Is.EqualTo(field));

    [TestCase("  E-MAIL   ADDRESS ")]
    [TestCase("email_address")]
    [TestCase("EmailAddress")]
    [TestCase("e.mail")]
    [TestCase("Email [Required]")]
    [TestCase("* Email")]
    [TestCase("Email address (required)")]
    public void Resolve_IgnoresCaseSpacesPunctuationAndDecoration(string header) =>
        Assert.That(_matcher.Resolve(header), Is.EqualTo(Field.Email));

    [TestCase("Department")]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase(null)]
    public void Resolve_UnknownOrBlankColumn_IsNull(string? header) =>
        Assert.That(_matcher.Resolve(header), Is.Null);

    [Test]
    public void Resolve_ConfiguredAlias_ExtendsTheBuiltInOnes()
    {
        var matcher = new HeaderMatcher(new Dictionary<string, string[]> { ["email"] = ["Courriel"], ["First Name"] = ["Prénom"] });

        Assert.That(matcher.Resolve("COURRIEL"), Is.EqualTo(Field.Email));
        Assert.That(matcher.Resolve("Prénom"), Is.EqualTo(Field.FirstName));
        Assert.That(matcher.Resolve("Email"), Is.EqualTo(Field.Email), "built-in aliases still work");
    }

    [Test]
    public void Constructor_AliasForUnknownField_SaysWhichFieldsExist()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => _ = new HeaderMatcher(new Dictionary<string, string[]> { ["shoe_size"] = ["Size"] }));
        Assert.That(ex!.Message, Does.Contain("shoe_size").And.Contain("first_name"));
    }
}
