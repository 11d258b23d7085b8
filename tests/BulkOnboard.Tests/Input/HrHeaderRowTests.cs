using BulkOnboard.Input;

namespace BulkOnboard.Tests.Input;

/// <summary>Real header rows of HR and identity exports (Corpora/hr-headers/headers.md).</summary>
public class HrHeaderRowTests
{
    public static IEnumerable<TestCaseData> Rows()
    {
        yield return Case("Entra bulk invite",
            "Email address to invite [inviteeEmail] Required,Redirection url [inviteRedirectURL] Required,Send invitation message (true or false) [sendEmail],Customized invitation message [customizedMessageBody]",
            email: 0);
        yield return Case("Entra bulk create",
            "Name [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required,First name [givenName],Last name [surname],Job title [jobTitle],Department [department],Usage location [usageLocation],Street address [streetAddress],State or province [state],Country or region [country],Office [physicalDeliveryOfficeName],City [city],ZIP or postal code [postalCode],Office phone [telephoneNumber],Mobile phone [mobile]",
            email: null, first: 4, last: 5, phone1: 15, phone2: 16);
        yield return Case("Google Workspace upload",
            "First Name [Required],Last Name [Required],Email Address [Required],Password [Required],Password Hash Function [UPLOAD ONLY],Org Unit Path [Required],New Primary Email [UPLOAD ONLY],Recovery Email,Home Secondary Email,Work Secondary Email,Recovery Phone [MUST BE IN THE E.164 FORMAT],Work Phone,Home Phone,Mobile Phone,Work Address,Home Address,Employee ID,Employee Type,Employee Title,Manager Email,Department,Cost Center,Building ID,Floor Name,Floor Section,Change Password at Next Sign-In,New Status [UPLOAD ONLY]",
            email: 2, first: 0, last: 1, phone1: 11, phone2: 12, kind: 17);
        yield return Case("Okta base attributes",
            "login,email,secondEmail,firstName,lastName,middleName,honorificPrefix,honorificSuffix,title,displayName,nickName,profileUrl,primaryPhone,mobilePhone,streetAddress,city,state,zipCode,countryCode,postalAddress,preferredLanguage,locale,timezone,userType,employeeNumber,costCenter,organization,division,department,managerId,manager",
            email: 1, first: 3, last: 4, phone1: 12, phone2: 13, timezone: 22, kind: 23, company: 26);
        yield return Case("Oracle IAM",
            "User Name,Active,Display Name,Work Email,Home Email,First Name,Middle Name,Last Name,Work Phone,Mobile No,Home Phone,Time Zone,Title,User Type,Organization Name",
            email: 3, first: 5, last: 7, phone1: 8, phone2: 9, timezone: 11, kind: 13, company: 14);
        yield return Case("Workday report",
            "Workday ID,Legal Name - First Name,Legal Name - Last Name,Preferred Name - First Name,Preferred Name - Last Name,User Name,Email - Primary Work,Email - Primary Home,Hire Date",
            email: 6, first: 1, last: 2);
        yield return Case("BambooHR export",
            "Employee #,First Name,Last Name,Job Title,Department,Division,Location,Status,Hire Date,Work Email,Reports To,Reports To Email",
            email: 9, first: 1, last: 2);
        yield return Case("Microsoft 365 (User Name is a login, not mapped)",
            "User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region",
            email: null, first: 1, last: 2, phone1: 7, phone2: 8);
        yield return Case("Mockaroo people list", "id,first_name,last_name,email,gender,ip_address", email: 3, first: 1, last: 2);
        yield return Case("Tool without styles",
            "AddressLine1,AddressLine2,Age,City,CountryCode,CountryName,Description,Emailaddress,Ethnicity,FirstName,Gender,Incomelevel,Jobtitle,LastName,MobileNumber,OrganizationName,StateName,Zipcode",
            email: 7, first: 9, last: 13, phone1: 14, company: 15);
    }

    [TestCaseSource(nameof(Rows))]
    public void Create_MapsTheColumnsAnAdminWouldExpect(string header, Dictionary<string, int?> expected)
    {
        var cells = header.Split(',');
        var map = ColumnMap.Create(cells, 1, new HeaderMatcher());

        foreach (var (field, index) in expected)
        {
            Assert.That(map.Has(field) ? Array.IndexOf(cells, map.DisplayName(field)) : (int?)null, Is.EqualTo(index), field);
        }
    }

    private static TestCaseData Case(string name, string header, int? email, int? first = null, int? last = null, int? phone1 = null, int? phone2 = null,
        int? timezone = null, int? kind = null, int? company = null) =>
        new TestCaseData(header, new Dictionary<string, int?>
        {
            [Field.Email] = email,
            [Field.FirstName] = first,
            [Field.LastName] = last,
            [Field.Phone1] = phone1,
            [Field.Phone2] = phone2,
            [Field.Timezone] = timezone,
            [Field.Kind] = kind,
            [Field.CompanyName] = company,
        }).SetName(name);
}
