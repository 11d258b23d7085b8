using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Files built from real HR and identity export layouts (Corpora/hr-headers) import without a mapping file.</summary>
public class HrExportTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    private static IEnumerable<TestCaseData> Layouts()
    {
        yield return new TestCaseData("Workday report", "member",
            "Workday ID,Legal Name - First Name,Legal Name - Last Name,Preferred Name - First Name,Preferred Name - Last Name,User Name,Email - Primary Work,Email - Primary Home,Hire Date",
            new[] { "W1,Ann,Lee,Annie,Lee,alee,ann.lee@contoso.example,ann@home.example,2026-01-05", "W2,Bo,Chen,,,bchen,bo.chen@contoso.example,,2026-02-01" },
            new[] { ("ann.lee@contoso.example", "Ann", "Lee", "member"), ("bo.chen@contoso.example", "Bo", "Chen", "member") });
        yield return new TestCaseData("Microsoft 365 add multiple users (User Name holds the address)", "member",
            "User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region",
            new[] { "cara@contoso.example,Cara,Diaz,Cara Diaz,Analyst,Finance,1,,,,,,,,,", "dan@contoso.example,Dan,Ek,Dan Ek,Lead,IT,2,,,,,,,,,", "eve@contoso.example,Eve,Fox,Eve Fox,Intern,HR,3,,,,,,,,," },
            new[] { ("cara@contoso.example", "Cara", "Diaz", "member"), ("dan@contoso.example", "Dan", "Ek", "member"), ("eve@contoso.example", "Eve", "Fox", "member") });
        yield return new TestCaseData("Entra bulk invite", "guest",
            "Email address to invite [inviteeEmail] Required,Redirection url [inviteRedirectURL] Required,Send invitation message (true or false) [sendEmail],Customized invitation message [customizedMessageBody]",
            new[] { "gil@partner.example,https://myapps.microsoft.com,true,Welcome aboard" },
            new[] { ("gil@partner.example", (string?)null, (string?)null, "guest") });
        yield return new TestCaseData("Google Workspace upload (Employee Type decides the kind)", null,
            "First Name [Required],Last Name [Required],Email Address [Required],Password [Required],Org Unit Path [Required],Employee Type,Department",
            new[] { "Hal,Ito,hal@contoso.example,x,/,Employee,IT", "Ivy,Jo,ivy@vendor.example,x,/,Contractor,IT" },
            new[] { ("hal@contoso.example", "Hal", "Ito", "member"), ("ivy@vendor.example", "Ivy", "Jo", "guest") });
        yield return new TestCaseData("BambooHR export", "member",
            "Employee #,First Name,Last Name,Job Title,Department,Division,Location,Status,Hire Date,Work Email,Reports To,Reports To Email",
            new[] { "7,Kim,Lund,Dev,R&D,,Oslo,Active,2026-03-01,kim@contoso.example,Ann Lee,ann.lee@contoso.example" },
            new[] { ("kim@contoso.example", "Kim", "Lund", "member") });
    }

    [TestCaseSource(nameof(Layouts))]
    public async Task Layout_ImportsWithTheRightEmailNamesAndKind(string layout, string? kind, string header, string[] rows,
        (string Email, string? First, string? Last, string Kind)[] expected)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var file = _workspace.Write("export.csv", header + "\n" + string.Join("\n", rows) + "\n");
        string[] args = kind is null
            ? ["import", file, "--out", _workspace.ReportFolder]
            : ["import", file, "--out", _workspace.ReportFolder, "--kind", kind];

        var result = await CliRun.RunAsync(CliRun.SettingsFor(sandbox), args);

        Assert.That(result.ExitCode, Is.EqualTo(0), $"{layout}\n{result}");
        foreach (var (email, first, last, expectedKind) in expected)
        {
            var store = expectedKind == "guest" ? sandbox.State.Guests : sandbox.State.Members;
            Assert.That(store.TryGetValue(email, out var person), Is.True, $"{layout}: {email} as a {expectedKind}");
            Assert.That((person!.Fields.GetValueOrDefault("first_name"), person.Fields.GetValueOrDefault("last_name")), Is.EqualTo((first, last)), layout);
        }

        Assert.That(sandbox.State.Guests.Count + sandbox.State.Members.Count, Is.EqualTo(expected.Length), layout);
    }
}
