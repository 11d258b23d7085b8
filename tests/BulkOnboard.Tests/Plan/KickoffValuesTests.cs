using System.Text.Json.Nodes;
using BulkOnboard.Plan;
using static BulkOnboard.Tests.Support.JourneyFixtures;

namespace BulkOnboard.Tests.Plan;

public class KickoffValuesTests
{
    private static string? Json(KickoffField field, string? value)
    {
        var encoded = KickoffValues.Encode(field, value);
        Assert.That(encoded.Error, Is.Null);
        return encoded.Value?.ToJsonString();
    }

    private static string Error(KickoffField field, string value) => KickoffValues.Encode(field, value).Error!;

    [Test]
    public void MultiselectEntries_CarrySelectedTrue()
    {
        Assert.That(Json(Tools, "laptop; Badge"), Is.EqualTo("""[{"id":"t1","text":"Laptop","value":"laptop","selected":true},{"id":"t3","text":"Badge","value":"Badge","selected":true}]"""));
        Assert.That(Json(Tools, "Phone,phone"), Is.EqualTo("""[{"id":"t2","text":"Phone","value":"phone","selected":true}]"""), "an option chosen twice is sent once");
    }

    [Test]
    public void MultiselectWithAnUnknownEntry_IsAnErrorNamingIt() =>
        Assert.That(Error(Tools, "Laptop;Car"), Is.EqualTo("'Car' is not an option of kick-off field 'Tools' (Laptop, Phone, Badge)"));

    [Test]
    public void Radio_IsTheOptionsText_Dropdown_TheOption()
    {
        Assert.That(Json(Department, " sales "), Is.EqualTo("\"Sales\""));
        Assert.That(Json(Level, "SENIOR"), Is.EqualTo("""{"id":"l2","text":"Senior","value":"2"}"""));
        Assert.That(Error(Department, "Legal"), Is.EqualTo("'Legal' is not an option of kick-off field 'Department' (Sales, Support)"));
        Assert.That(Error(Level, "Lead"), Does.Contain("'Lead' is not an option of kick-off field 'Level'"));
    }

    [TestCase("2026-12-08", "\"2026-12-08T00:00:00.000Z\"")]
    [TestCase("2026-12-08T10:30:00+01:00", "\"2026-12-08T09:30:00.000Z\"")]
    [TestCase("2026-12-08T10:30:00.25Z", "\"2026-12-08T10:30:00.250Z\"")]
    public void Date_IsAnIsoInstantInUtc(string value, string json) => Assert.That(Json(Start, value), Is.EqualTo(json));

    [TestCase("08/12/2026")]
    [TestCase("2026-13-01")]
    [TestCase("2026-12-08T10:30")]
    public void Date_NotIso_IsAnError(string value) => Assert.That(Error(Start, value), Does.StartWith($"'{value}' is not a date (yyyy-MM-dd or an ISO 8601 instant) for kick-off field 'Start date'"));

    [Test]
    public void Table_OneStringPerColumn_ElseAnError()
    {
        Assert.That(Json(Desk, "HQ | 3 | 3.14"), Is.EqualTo("""["HQ","3","3.14"]"""));
        Assert.That(Error(Desk, "HQ|3"), Is.EqualTo("kick-off field 'Desk' is a table of 3 columns (Building, Floor, Desk); the value has 2 cells separated by |"));
    }

    [Test]
    public void Text_UpTo200_Textarea_UpTo30000()
    {
        var text = new KickoffField("x", null, "Title", "text", [], [], false);
        Assert.That(Json(text, new string('a', 200)), Has.Length.EqualTo(202));
        Assert.That(Error(text, new string('a', 201)), Is.EqualTo("the value for kick-off field 'Title' is 201 characters; a text field holds at most 200"));
        Assert.That(Json(Notes, new string('b', 30_000)), Has.Length.EqualTo(30_002));
        Assert.That(Error(Notes, new string('b', 30_001)), Does.Contain("at most 30000"));
    }

    [Test]
    public void Email_MustBeOne() =>
        Assert.That((Json(ManagerField, "boss@example.com"), Error(ManagerField, "boss")), Is.EqualTo(("\"boss@example.com\"", "'boss' is not an email address (kick-off field 'Manager')")));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void EmptyInput_IsNotSent(string? value)
    {
        foreach (var field in new[] { Start, Department, Tools, Desk, Notes, Level })
        {
            Assert.That(KickoffValues.Encode(field, value), Is.EqualTo(KickoffValue.Empty), field.Label);
        }
    }

    [Test]
    public void AFieldTypeItCannotFill_IsAnError() =>
        Assert.That(Error(new KickoffField("f", null, "Contract", "file", [], [], false), "x.pdf"), Is.EqualTo("kick-off field 'Contract' is a file field, which a journey cannot fill"));

    [Test]
    public void AnOptionTextHoldingAComma_IsOneOption()
    {
        var field = Tools with { Options = [new("c1", "Desk, standing", null), new("c2", "Chair", null)] };

        Assert.That(JsonNode.Parse(Json(field, "desk, standing")!)!.AsArray(), Has.Count.EqualTo(1));
    }
}
