using BulkOnboard.Input;
using BulkOnboard.Validation;
using static BulkOnboard.Tests.Support.Rows;

namespace BulkOnboard.Tests.Validation;

/// <summary>The quick all-pass check must agree with FluentValidation on every row, or a bad row could be sent.</summary>
public class PersonRulesTests
{
    private static readonly string?[] Values =
    [
        null, "", " ", "\t", "ana@northwind.example", "not-an-email", "a@b", "Ünïcødé@example.com", "x@xn--bcher-kva.example",
        "Ana", new string('a', 32), new string('a', 33), new string('a', 200), new string('a', 201), string.Concat(Enumerable.Repeat("😀", 32)),
        string.Concat(Enumerable.Repeat("😀", 33)), "+49 151 1234567", new string('9', 21), "https://northwind.example", "ftp://x.example",
        "http://localhost", "https://no-dot", "Europe/Paris", "europe/paris", "Mars/Base", "12; 34", "12, abc", "0", "salesforce", "SalesForce",
        "hubspot", "2026-11-01 09:30:00", "01/11/2026", "admin", "Standard", "owner", "Welcome aboard", new string('m', 5001),
    ];

    [Test]
    public void Passes_AgreesWithFluentValidation_OnRandomRowsOfEveryField()
    {
        var columns = Header(["Email", "First Name", "Last Name", "Phone", "Mobile", "Company", "Company URL", "Contact URL", "Image URL",
            "Opportunity Name", "Opportunity URL", "Status", "Time Zone", "Associated Members", "External Sync Source", "External Date Creation",
            "Role", "Message"]);
        PersonRules[] validators = [new GuestValidator(columns), new MemberValidator(columns)];
        var random = new Random(20261122);
        var disagreements = new List<string>();
        var valid = 0;
        for (var i = 0; i < 5000; i++)
        {
            // Mostly good values, so that rows pass as often as they fail.
            string? Pick(string? good) => random.Next(4) == 0 ? Values[random.Next(Values.Length)] : good;
            var draft = new PersonDraft
            {
                Kind = PersonKind.Guest,
                Email = Pick("ana@northwind.example"),
                FirstName = Pick("Ana"),
                LastName = Pick("García"),
                Phone1 = Pick("+34 600 123 456"),
                Phone2 = Pick(null),
                CompanyName = Pick("Northwind"),
                CompanyUrl = Pick(null),
                ContactUrl = Pick("https://northwind.example"),
                ImageUrl = Pick(null),
                OpportunityName = Pick(null),
                OpportunityUrl = Pick(null),
                Status = Pick(null),
                Timezone = Pick("Europe/Madrid"),
                AssociatedMembers = Pick(null),
                ExternalSyncSource = Pick(null),
                ExternalDateCreation = Pick(null),
                Role = Pick("standard"),
                Message = Pick("Welcome"),
            };

            foreach (var validator in validators)
            {
                var quick = validator.Passes(draft);
                var full = validator.Validate(draft).IsValid;
                valid += full ? 1 : 0;
                if (quick != full)
                {
                    disagreements.Add($"{validator.GetType().Name}: quick {quick}, FluentValidation {full} for {draft}");
                }
            }
        }

        Assert.That(disagreements, Is.Empty);
        Assert.That(valid, Is.InRange(1000, 9000), "the sample holds both valid and invalid rows");
    }
}
