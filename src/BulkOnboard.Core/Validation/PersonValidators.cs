using BulkOnboard.Input;
using FluentValidation;

namespace BulkOnboard.Validation;

/// <summary>
/// The create-guest rules of TALLYFY-API.md; messages name the columns as the user wrote them. A
/// validator is built per file, with rules only for the columns the file has: a rule on a column that
/// is not there can never fail, and skipping it makes validation several times faster.
/// </summary>
internal sealed class GuestValidator : AbstractValidator<PersonDraft>
{
    public GuestValidator(ColumnMap columns)
    {
        // One message per column: an empty email is "required", not also "not a valid address".
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(d => d.Email).ValidEmail().WithName(columns.DisplayName(Field.Email));
        Optional(columns, Field.FirstName, () => RuleFor(d => d.FirstName).MaxChars(200));
        Optional(columns, Field.LastName, () => RuleFor(d => d.LastName).MaxChars(200));
        Optional(columns, Field.Phone1, () => RuleFor(d => d.Phone1).MaxChars(20));
        Optional(columns, Field.Phone2, () => RuleFor(d => d.Phone2).MaxChars(20));
        Optional(columns, Field.CompanyName, () => RuleFor(d => d.CompanyName).MaxChars(200));
        Optional(columns, Field.OpportunityName, () => RuleFor(d => d.OpportunityName).MaxChars(200));
        Optional(columns, Field.Status, () => RuleFor(d => d.Status).MaxChars(200));
        Optional(columns, Field.CompanyUrl, () => RuleFor(d => d.CompanyUrl).HttpUrl());
        Optional(columns, Field.ContactUrl, () => RuleFor(d => d.ContactUrl).HttpUrl());
        Optional(columns, Field.ImageUrl, () => RuleFor(d => d.ImageUrl).HttpUrl());
        Optional(columns, Field.OpportunityUrl, () => RuleFor(d => d.OpportunityUrl).HttpUrl());
        Optional(columns, Field.Timezone, () => RuleFor(d => d.Timezone).IanaTimeZone());
        Optional(columns, Field.AssociatedMembers, () => RuleFor(d => d.AssociatedMembers).MemberIds());
        Optional(columns, Field.ExternalSyncSource, () => RuleFor(d => d.ExternalSyncSource)
            .Must(v => v is null || v.Equals("salesforce", StringComparison.OrdinalIgnoreCase))
            .WithMessage("{PropertyName}: '{PropertyValue}' is not accepted; the only source Tallyfy accepts is salesforce"));
        Optional(columns, Field.ExternalDateCreation, () => RuleFor(d => d.ExternalDateCreation).ApiDateTime());
    }

    /// <summary>Adds a rule for a column the file has, named as the user named it.</summary>
    private static void Optional(ColumnMap columns, string field, Func<IRuleBuilderOptions<PersonDraft, string?>> rule)
    {
        if (columns.Has(field))
        {
            rule().WithName(columns.DisplayName(field));
        }
    }
}

/// <summary>The invite-member rules of TALLYFY-API.md; messages name the columns as the user wrote them.</summary>
internal sealed class MemberValidator : AbstractValidator<PersonDraft>
{
    public static readonly string[] Roles = ["admin", "standard", "light"];

    public MemberValidator(ColumnMap columns)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;

        // Names, role and message are required whether or not the file has the column (defaults may fill the last two).
        RuleFor(d => d.Email).ValidEmail().WithName(columns.DisplayName(Field.Email));
        RuleFor(d => d.FirstName).Required("for members").MaxChars(32).WithName(columns.DisplayName(Field.FirstName));
        RuleFor(d => d.LastName).Required("for members").MaxChars(32).WithName(columns.DisplayName(Field.LastName));
        RuleFor(d => d.Role)
            .Required("for members (add a Role column or set Import:DefaultRole)")
            .Must(r => r is null || Roles.Contains(r, StringComparer.OrdinalIgnoreCase))
            .WithMessage("{PropertyName}: '{PropertyValue}' is not a Tallyfy role; use admin, standard or light")
            .WithName(columns.Has(Field.Role) ? columns.DisplayName(Field.Role) : "role (Import:DefaultRole)");
        RuleFor(d => d.Message)
            .Required("for members (add a Message column or set Import:InviteMessage)")
            .MaxChars(5000)
            .WithName(columns.Has(Field.Message) ? columns.DisplayName(Field.Message) : "message (Import:InviteMessage)");
        if (columns.Has(Field.Timezone))
        {
            RuleFor(d => d.Timezone).IanaTimeZone().WithName(columns.DisplayName(Field.Timezone));
        }
    }
}
