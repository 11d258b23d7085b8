using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Validation;
using static BulkOnboard.Tests.Support.Rows;

namespace BulkOnboard.Tests.Validation;

public class RowValidatorTests
{
    private static readonly string[] GuestHeader =
        ["Email", "First Name", "Last Name", "Phone", "Company", "Company URL", "Time Zone", "Associated Members", "External Sync Source", "External Date Creation"];

    [Test]
    public void Validate_CompleteGuest_BuildsThePayloadTheApiExpects()
    {
        var validator = new RowValidator(Header(GuestHeader), NoDefaults with { Kind = PersonKind.Guest });

        var row = validator.Validate(Record(2, " ana@northwind.example ", "Ana", "García", "+34 600 123 456", "Northwind", "https://northwind.example",
            "europe/madrid", "12; 34,56 78", "Salesforce", "2026-11-01 09:30:00"));

        Assert.That(row.Errors, Is.Empty);
        var guest = (GuestPayload)row.Payload!;
        Assert.That(guest.Email, Is.EqualTo("ana@northwind.example"));
        Assert.That(guest.LastName, Is.EqualTo("García"));
        Assert.That(guest.Phone1, Is.EqualTo("+34 600 123 456"));
        Assert.That(guest.Timezone, Is.EqualTo("Europe/Madrid"), "time zones are sent in tzdb spelling");
        Assert.That(guest.AssociatedMembers, Is.EqualTo(new long[] { 12, 34, 56, 78 }));
        Assert.That(guest.ExternalSyncSource, Is.EqualTo("salesforce"));
    }

    [TestCase("Nu\u0000ll", "U+0000")]
    [TestCase("Esc\u001b[2J", "U+001B")]
    public void Validate_AControlCharacterInAField_IsInvalid_NeverSent(string name, string code)
    {
        var validator = new RowValidator(Header(GuestHeader), NoDefaults with { Kind = PersonKind.Guest });

        var row = validator.Validate(Record(2, "n1@x.example", name));

        Assert.That(row.Payload, Is.Null);
        Assert.That(row.Errors, Is.EqualTo(new[] { $"First Name: holds a control character ({code}), which no name or address has; fix the file" }));
    }

    [Test]
    public void Validate_ARecordReadWithAProblem_IsInvalid_WithIt()
    {
        var validator = new RowValidator(Header(GuestHeader), NoDefaults with { Kind = PersonKind.Guest });

        var row = validator.Validate(Record(2, "b@x.examplez", "Bob") with { Problem = "a cell has text after its closing quote" });

        Assert.That((row.Payload, row.Errors.Single()), Is.EqualTo(((PersonPayload?)null, "a cell has text after its closing quote")));
    }

    [Test]
    public void Validate_MemberWithATimeZone_ChecksItButTheInviteDoesNotCarryIt()
    {
        var validator = new RowValidator(Header(["Email", "First Name", "Last Name", "Time Zone"]), NoDefaults with { Kind = PersonKind.Member, Role = "standard", InviteMessage = "Hi" });

        var good = validator.Validate(Record(2, "mo@x.example", "Mo", "Ray", "Europe/Paris"));
        var bad = validator.Validate(Record(3, "jo@x.example", "Jo", "Ray", "Mars/Olympus"));

        Assert.That(good.Errors, Is.Empty);
        var json = System.Text.Json.JsonSerializer.Serialize(good.Payload!, good.Payload!.GetType(), TallyfyClient.Json);
        Assert.That(json, Does.Not.Contain("timezone"), "Tallyfy's invite has no time zone field");
        Assert.That(bad.Errors, Is.Not.Empty, "the time zone is still validated");
    }

    [Test]
    public void Validate_GuestWithSeveralProblems_ReportsThemAllWithTheUsersColumnNames()
    {
        var validator = new RowValidator(Header(GuestHeader), NoDefaults with { Kind = PersonKind.Guest });

        var row = validator.Validate(Record(7, "not-an-email", Repeat('a', 201), "", Repeat('9', 21), "", "ftp://x.example", "Mars/Base", "12, abc", "hubspot", "01/11/2026"));

        Assert.That(row.IsValid, Is.False);
        Assert.That(row.Errors, Has.Count.EqualTo(8));
        Assert.That(row.Errors, Has.Some.StartsWith("Email: 'not-an-email' is not a valid email address"));
        Assert.That(row.Errors, Has.Some.StartsWith("First Name: longer than 200 characters (201)"));
        Assert.That(row.Errors, Has.Some.StartsWith("Phone: longer than 20 characters"));
        Assert.That(row.Errors, Has.Some.StartsWith("Company URL: 'ftp://x.example' is not a valid URL"));
        Assert.That(row.Errors, Has.Some.StartsWith("Time Zone: 'Mars/Base' is not an IANA time zone"));
        Assert.That(row.Errors, Has.Some.StartsWith("Associated Members: '12, abc' is not a list of member ids"));
        Assert.That(row.Errors, Has.Some.StartsWith("External Sync Source: 'hubspot' is not accepted"));
        Assert.That(row.Errors, Has.Some.StartsWith("External Date Creation: '01/11/2026' is not a date in the form yyyy-MM-dd HH:mm:ss"));
    }

    [Test]
    public void Validate_LengthsCountCharactersNotUtf16Units()
    {
        var validator = new RowValidator(Header("Email", "First Name", "Last Name"), new ImportDefaults(PersonKind.Member, "standard", "Welcome"));

        // 32 emoji are 64 UTF-16 units but 32 characters: allowed for a member; 33 are not.
        var ok = validator.Validate(Record(2, "a@x.example", string.Concat(Enumerable.Repeat("😀", 32)), "Lee"));
        var tooLong = validator.Validate(Record(3, "b@x.example", string.Concat(Enumerable.Repeat("😀", 33)), "Lee"));

        Assert.That(ok.Errors, Is.Empty);
        Assert.That(tooLong.Errors, Is.EqualTo(new[] { "First Name: longer than 32 characters (33)" }));
    }

    [Test]
    public void Validate_MemberWithoutNamesRoleOrMessage_ExplainsWhereToSetThem()
    {
        var validator = new RowValidator(Header("E-mail", "Given Name", "Surname"), NoDefaults with { Kind = PersonKind.Member });

        var row = validator.Validate(Record(2, "m@x.example", "", ""));

        Assert.That(row.Errors, Is.EquivalentTo(new[]
        {
            "Given Name: required for members",
            "Surname: required for members",
            "role (Import:DefaultRole): required for members (add a Role column or set Import:DefaultRole)",
            "message (Import:InviteMessage): required for members (add a Message column or set Import:InviteMessage)",
        }));
    }

    [Test]
    public void Validate_MemberWithoutRoleOrMessage_GetsTheConfiguredDefaults()
    {
        var validator = new RowValidator(Header("Email", "First Name", "Last Name", "Role"), new ImportDefaults(PersonKind.Member, "light", "Welcome aboard"));

        var member = (MemberPayload)validator.Validate(Record(2, "m@x.example", "Mo", "Ray", "")).Payload!;
        var admin = (MemberPayload)validator.Validate(Record(3, "n@x.example", "No", "Ray", "ADMIN")).Payload!;

        Assert.That((member.Role, member.Message), Is.EqualTo(("light", "Welcome aboard")));
        Assert.That(admin.Role, Is.EqualTo("admin"));
    }

    [TestCase("superuser")]
    [TestCase("owner")]
    public void Validate_UnknownRole_IsInvalid(string role)
    {
        var validator = new RowValidator(Header("Email", "First Name", "Last Name", "Role"), new ImportDefaults(PersonKind.Member, null, "Hi"));

        Assert.That(validator.Validate(Record(2, "m@x.example", "Mo", "Ray", role)).Errors.Single(), Does.StartWith($"Role: '{role}' is not a Tallyfy role"));
    }

    [Test]
    public void Validate_MessageOver5000Characters_IsInvalid()
    {
        var validator = new RowValidator(Header("Email", "First Name", "Last Name", "Message"), new ImportDefaults(PersonKind.Member, "standard", null));

        Assert.That(validator.Validate(Record(2, "m@x.example", "Mo", "Ray", Repeat('x', 5000))).IsValid, Is.True);
        Assert.That(validator.Validate(Record(3, "n@x.example", "Mo", "Ray", Repeat('x', 5001))).Errors.Single(), Does.StartWith("Message: longer than 5000"));
    }

    [Test]
    public void Validate_SameEmailAgain_IsADuplicateOfTheFirstRow_TrimmedAndIgnoringCase()
    {
        var validator = new RowValidator(Header("Email", "Type", "First Name", "Last Name"), new ImportDefaults(null, "standard", "Hi"));

        var first = validator.Validate(Record(2, "ann@x.example", "guest", "Ann", "Lee"));
        var again = validator.Validate(Record(3, "  ANN@X.example ", "guest", "Ann", "Lee"));
        var asMember = validator.Validate(Record(4, "ann@x.example", "member", "Ann", "Lee"));

        Assert.That(first.IsSendable, Is.True);
        Assert.That(again.DuplicateOfRow, Is.EqualTo(2));
        Assert.That(again.IsSendable, Is.False);
        Assert.That(asMember.IsSendable, Is.True, "the same email as another kind is a different request");
    }

    [Test]
    public void Validate_InvalidFirstOccurrence_DoesNotMakeTheValidOneADuplicate()
    {
        var validator = new RowValidator(Header("Email", "First Name", "Last Name"), new ImportDefaults(PersonKind.Member, "standard", "Hi"));

        var invalid = validator.Validate(Record(2, "ann@x.example", "", "Lee"));
        var valid = validator.Validate(Record(3, "ann@x.example", "Ann", "Lee"));

        Assert.That(invalid.IsValid, Is.False);
        Assert.That(valid.IsSendable, Is.True);
    }

    [TestCase("guest", PersonKind.Guest)]
    [TestCase("Member", PersonKind.Member)]
    [TestCase("invitee", PersonKind.Member)]
    [TestCase("USER", PersonKind.Member)]
    [TestCase("employee", PersonKind.Member)]
    public void Validate_KindColumn_DecidesTheKind(string cell, PersonKind kind)
    {
        var validator = new RowValidator(Header("Email", "User Type", "First Name", "Last Name"), new ImportDefaults(null, "standard", "Hi"));

        Assert.That(validator.Validate(Record(2, "k@x.example", cell, "Kai", "Lo")).Kind, Is.EqualTo(kind));
    }

    [Test]
    public void Validate_KindCellOverridesDefault_AndEmptyCellFallsBackToIt()
    {
        var validator = new RowValidator(Header("Email", "Type", "First Name", "Last Name"), new ImportDefaults(PersonKind.Member, "standard", "Hi"));

        Assert.That(validator.Validate(Record(2, "a@x.example", "guest", "A", "B")).Kind, Is.EqualTo(PersonKind.Guest));
        Assert.That(validator.Validate(Record(3, "b@x.example", "", "A", "B")).Kind, Is.EqualTo(PersonKind.Member));
    }

    [Test]
    public void Validate_UnknownKind_IsInvalidAndSaysWhatIsAccepted()
    {
        var validator = new RowValidator(Header("Email", "Type"), NoDefaults);

        var row = validator.Validate(Record(2, "c@x.example", "robot"));

        Assert.That(row.Errors.Single(), Is.EqualTo("Type: 'robot' is not a kind; use guest or member"));
    }

    [TestCase("Contractor", PersonKind.Guest)]
    [TestCase("Contingent Worker", PersonKind.Guest)]
    [TestCase("vendor", PersonKind.Guest)]
    [TestCase("CONSULTANT", PersonKind.Guest)]
    [TestCase("External", PersonKind.Guest)]
    [TestCase("Employee", PersonKind.Member)]
    [TestCase("Staff", PersonKind.Member)]
    [TestCase("Full-Time", PersonKind.Member)]
    [TestCase("part_time", PersonKind.Member)]
    [TestCase("Intern", PersonKind.Member)]
    public void KindValues_AsHrWritesThem_AreUnderstood(string value, PersonKind expected)
    {
        Assert.That(PersonKinds.TryParse(value, out var kind), Is.True);
        Assert.That(kind, Is.EqualTo(expected));
    }

    [Test]
    public void CheckKindSource_NoKindColumnAndNoDefault_TellsHowToChoose()
    {
        Assert.That(RowValidator.CheckKindSource(Header("Email"), NoDefaults), Does.Contain("--kind guest or --kind member"));
        Assert.That(RowValidator.CheckKindSource(Header("Email", "Kind"), NoDefaults), Is.Null);
        Assert.That(RowValidator.CheckKindSource(Header("Email"), NoDefaults with { Kind = PersonKind.Guest }), Is.Null);
    }

    [Test]
    public void Validate_CellEscapedByOurOwnReport_IsRestored()
    {
        var validator = new RowValidator(Header("Email", "Phone"), NoDefaults with { Kind = PersonKind.Guest });

        var guest = (GuestPayload)validator.Validate(Record(2, "p@x.example", "'+1 555 0100")).Payload!;

        Assert.That(guest.Phone1, Is.EqualTo("+1 555 0100"));
    }

    [TestCase("Manager")]
    [TestCase("Manager Email")]
    [TestCase("Supervisor")]
    [TestCase("Reports To")]
    [TestCase("Line Manager")]
    public void AManagerColumn_GivesTheRowItsManager_AnEmail(string header)
    {
        var validator = new RowValidator(Header(["Email", header]), NoDefaults with { Kind = PersonKind.Guest });

        Assert.That(validator.Validate(Record(2, "ann@x.example", " Boss@X.example ")).Manager, Is.EqualTo("boss@x.example"));
        Assert.That(validator.Validate(Record(3, "bob@x.example", "")).Manager, Is.Null, "an empty cell names nobody");
        var named = validator.Validate(Record(4, "cy@x.example", "Jane Boss"));
        Assert.That((named.IsValid, named.Manager), Is.EqualTo((true, (string?)null)), "a manager named, not by email, names nobody and never keeps the person out");
    }

    [Test]
    public void ARowWhoseManagerCellHoldsNoEmail_ForgetsTheRememberedManager_AFileWithoutTheColumnKeepsIt()
    {
        var remembered = new Dictionary<string, string> { ["ann@x.example"] = "old@x.example", ["bob@x.example"] = "old@x.example", ["cy@x.example"] = "old@x.example" };
        var withColumn = new RowValidator(Header(["Email", "Manager"]), NoDefaults with { Kind = PersonKind.Guest });
        var rows = new[]
        {
            withColumn.Validate(Record(2, "ann@x.example", "")),
            withColumn.Validate(Record(3, "bob@x.example", "Jane Boss")),
            withColumn.Validate(Record(4, "cy@x.example", "new@x.example")),
        };

        Assert.That(BulkOnboard.Plan.HandOver.Managers(rows, remembered), Is.EquivalentTo(new Dictionary<string, string> { ["cy@x.example"] = "new@x.example" }));
        Assert.That(BulkOnboard.Plan.HandOver.RosterManagers(rows), Is.EquivalentTo(new Dictionary<string, string?> { ["ann@x.example"] = null, ["bob@x.example"] = null, ["cy@x.example"] = "new@x.example" }),
            "what the journal is told: Ann's and Bob's remembered managers forgotten");

        var withoutColumn = new RowValidator(Header(["Email"]), NoDefaults with { Kind = PersonKind.Guest });
        Assert.That(BulkOnboard.Plan.HandOver.Managers([withoutColumn.Validate(Record(2, "ann@x.example"))], remembered), Is.EquivalentTo(remembered));
    }
}
