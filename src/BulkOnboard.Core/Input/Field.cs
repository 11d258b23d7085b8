namespace BulkOnboard.Input;

/// <summary>The columns BulkOnboard understands, named as the Tallyfy API names them.</summary>
internal static class Field
{
    public const string Email = "email";
    public const string FirstName = "first_name";
    public const string LastName = "last_name";
    public const string CompanyName = "company_name";
    public const string Phone1 = "phone_1";
    public const string Phone2 = "phone_2";
    public const string Kind = "kind";
    public const string Role = "role";
    public const string Timezone = "timezone";
    public const string AssociatedMembers = "associated_members";
    public const string Message = "message";
    public const string CompanyUrl = "company_url";
    public const string ContactUrl = "contact_url";
    public const string ImageUrl = "image_url";
    public const string OpportunityName = "opportunity_name";
    public const string OpportunityUrl = "opportunity_url";
    public const string Status = "status";
    public const string ExternalSyncSource = "external_sync_source";
    public const string ExternalDateCreation = "external_date_creation";

    /// <summary>Tallyfy groups the person belongs in, names separated by <c>;</c> (used by <c>sync</c>; not sent with the person).</summary>
    public const string Groups = "groups";

    /// <summary>The person's manager, a member's email: who takes over the person's open tasks when they leave (PRODUCT.md, "Leavers hand their work over"; not sent with the person).</summary>
    public const string Manager = "manager";

    /// <summary>
    /// The person's key in HR (PRODUCT.md, "People change"): a sync knows a person by it across a new email, a
    /// conversion or a rehire (not sent with the person). Without it, the email is the key.
    /// </summary>
    public const string EmployeeId = "employee_id";

    /// <summary>The person's first day: a joiner is invited (or created) only once it is near (PRODUCT.md, "Dates").</summary>
    public const string StartDate = "start_date";

    /// <summary>The person's last day: after the end of it, in their time zone, they are a leaver.</summary>
    public const string EndDate = "end_date";

    /// <summary>Built-in header aliases (PRODUCT.md); every field also matches its own name.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> BuiltInAliases = new Dictionary<string, string[]>
    {
        [Email] = ["Email", "E-mail", "Email Address", "E-mail Address", "Work Email", "Mail", "Email address to invite", "Primary Email", "User Email", "Work Email Address", "Email - Primary Work", "Business Email", "Email - Work", "Primary Work Email", "Work E-mail", "Work Email - Primary", "Email (Work)", "Corporate Email"],
        [FirstName] = ["First Name", "Firstname", "Given Name", "Forename", "Legal Name - First Name", "Preferred First Name", "Legal First Name", "Preferred Name - First Name", "First"],
        [LastName] = ["Last Name", "Lastname", "Surname", "Family Name", "Legal Name - Last Name", "Preferred Last Name", "Legal Last Name", "Preferred Name - Last Name", "Last"],
        [CompanyName] = ["Company", "Company Name", "Organization", "Organisation", "Employer", "Organization Name", "Organisation Name"],
        [Phone1] = ["Phone", "Phone Number", "Mobile", "Mobile Phone", "Telephone", "Phone 1", "Mobile Number", "Mobile No", "Cell Phone", "Cell",
            "Work Phone", "Office Phone", "Business Phone", "Primary Phone", "Home Phone"],
        [Phone2] = ["Phone 2", "Other Phone", "Secondary Phone", "Alternate Phone"],
        [Kind] = ["Type", "Kind", "User Type", "Person Type", "Worker Type", "Employee Type", "Employment Type", "Worker Category", "Member Type"],
        [Role] = ["Role", "Tallyfy Role"],
        [Timezone] = ["Timezone", "Time Zone", "TZ"],
        [AssociatedMembers] = ["Associated Members"],
        [Message] = ["Message", "Invite Message", "Invitation Message", "Customized invitation message", "Custom Invitation Message", "Invitation Text"],
        [CompanyUrl] = [],
        [ContactUrl] = [],
        [ImageUrl] = [],
        [OpportunityName] = [],
        [OpportunityUrl] = [],
        [Status] = [],
        [ExternalSyncSource] = [],
        [ExternalDateCreation] = [],
        [Groups] = ["Groups", "Group", "Teams", "Tallyfy Groups"],
        [Manager] = ["Manager", "Manager Email", "Supervisor", "Reports To", "Line Manager", "Manager Email Address", "Supervisor Email", "Line Manager Email"],
        [EmployeeId] = ["Employee ID", "Employee Id", "Worker ID", "Personnel Number", "Employee Number", "Employee No", "Personnel No", "Staff ID", "Staff Number"],
        [StartDate] = ["Start Date", "Hire Date", "Original Hire Date", "Date of Joining", "First Day", "Start"],
        [EndDate] = ["End Date", "Termination Date", "Last Day", "Last Day of Work", "Contract End Date", "End"],
    };
}
