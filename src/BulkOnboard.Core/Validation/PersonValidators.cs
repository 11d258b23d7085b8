using BulkOnboard.Input;
using FluentValidation;

namespace BulkOnboard.Validation;

/// <summary>The create-guest rules of TALLYFY-API.md; messages name the columns as the user wrote them.</summary>
internal sealed class GuestValidator : AbstractValidator<PersonDraft>
{
    public GuestValidator(ColumnMap columns)
    {
        // One message per column: an empty email is "required", not also "not a valid address".
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(d => d.Email).ValidEmail().WithName(columns.DisplayName(Field.Email));
        RuleFor(d => d.FirstName).MaxChars(200).WithName(columns.DisplayName(Field.FirstName));
        RuleFor(d => d.LastName).MaxChars(200).WithName(columns.DisplayName(Field.LastName));
        RuleFor(d => d.Phone1).MaxChars(20).WithName(columns.DisplayName(Field.Phone1));
        RuleFor(d => d.Phone2).MaxChars(20).WithName(columns.DisplayName(Field.Phone2));
        RuleFor(d => d.CompanyName).MaxChars(200).WithName(columns.DisplayName(Field.CompanyName));
        RuleFor(d => d.OpportunityName).MaxChars(200).WithName(columns.DisplayName(Field.OpportunityName));
        RuleFor(d => d.Status).MaxChars(200).WithName(columns.DisplayName(Field.Status));
        RuleFor(d => d.CompanyUrl).HttpUrl().WithName(columns.DisplayName(Field.CompanyUrl));
        RuleFor(d => d.ContactUrl).HttpUrl().WithName(columns.DisplayName(Field.ContactUrl));
        RuleFor(d => d.ImageUrl).HttpUrl().WithName(columns.DisplayName(Field.ImageUrl));
        RuleFor(d => d.OpportunityUrl).HttpUrl().WithName(columns.DisplayName(Field.OpportunityUrl));
        RuleFor(d => d.Timezone).IanaTimeZone().WithName(columns.DisplayName(Field.Timezone));
        RuleFor(d => d.AssociatedMembers).MemberIds().WithName(columns.DisplayName(Field.AssociatedMembers));
        RuleFor(d => d.ExternalSyncSource)
            .Must(v => v is null || v.Equals("salesforce", StringComparison.OrdinalIgnoreCase))
            .WithMessage("{PropertyName}: '{PropertyValue}' is not accepted; the only source Tallyfy accepts is salesforce")
            .WithName(columns.DisplayName(Field.ExternalSyncSource));
        RuleFor(d => d.ExternalDateCreation).ApiDateTime().WithName(columns.DisplayName(Field.ExternalDateCreation));
    }
}

/// <summary>The invite-member rules of TALLYFY-API.md; messages name the columns as the user wrote them.</summary>
internal sealed class MemberValidator : AbstractValidator<PersonDraft>
{
    public static readonly string[] Roles = ["admin", "standard", "light"];

    public MemberValidator(ColumnMap columns)
    {
        // One message per column: an empty email is "required", not also "not a valid address".
        RuleLevelCascadeMode = CascadeMode.Stop;
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
        RuleFor(d => d.Timezone).IanaTimeZone().WithName(columns.DisplayName(Field.Timezone));
    }
}
