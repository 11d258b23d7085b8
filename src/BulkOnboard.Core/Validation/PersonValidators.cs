using System.Linq.Expressions;
using BulkOnboard.Input;
using FluentValidation;

namespace BulkOnboard.Validation;

/// <summary>
/// A validator whose rules are <see cref="FieldCheck"/>s: each becomes a FluentValidation rule (which
/// words the errors) and an entry in a plain list that <see cref="Passes"/> runs. Most rows are valid,
/// and for them the plain list answers at a fraction of FluentValidation's per-row cost; a row that
/// fails any check goes through FluentValidation for its messages. Both come from the same checks, so
/// they cannot disagree.
/// </summary>
internal abstract class PersonRules : AbstractValidator<PersonDraft>
{
    private readonly List<(Func<PersonDraft, string?> Get, Func<string?, bool> Passes)> _checks = [];

    protected PersonRules()
    {
        // One message per column: an empty email is "required", not also "not a valid address".
        RuleLevelCascadeMode = CascadeMode.Stop;
    }

    /// <summary>Whether every check holds: the row is valid, and FluentValidation need not run.</summary>
    public bool Passes(PersonDraft draft)
    {
        foreach (var (get, passes) in _checks)
        {
            if (!passes(get(draft)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks a property, in order, under the name the user gave its column.</summary>
    protected void Rule(Expression<Func<PersonDraft, string?>> property, string name, params FieldCheck[] checks)
    {
        var get = property.Compile();
        IRuleBuilder<PersonDraft, string?> rule = RuleFor(property);
        IRuleBuilderOptions<PersonDraft, string?>? last = null;
        foreach (var check in checks)
        {
            var options = rule.Must(check.Passes);
            last = check.DescribeFailure is { } describe
                ? options.WithMessage((_, value) => describe(value))
                : options.WithMessage(check.Message);
            rule = last;
            _checks.Add((get, check.Passes));
        }

        last?.WithName(name);
    }
}

/// <summary>
/// The create-guest rules of TALLYFY-API.md; messages name the columns as the user wrote them. A
/// validator is built per file, with rules only for the columns the file has: a rule on a column that
/// is not there can never fail, and skipping it makes validation several times faster.
/// </summary>
internal sealed class GuestValidator : PersonRules
{
    public GuestValidator(ColumnMap columns)
    {
        Rule(d => d.Email, columns.DisplayName(Field.Email), FieldRules.ValidEmail());
        Optional(columns, Field.FirstName, d => d.FirstName, FieldRules.MaxChars(200));
        Optional(columns, Field.LastName, d => d.LastName, FieldRules.MaxChars(200));
        Optional(columns, Field.Phone1, d => d.Phone1, FieldRules.MaxChars(20));
        Optional(columns, Field.Phone2, d => d.Phone2, FieldRules.MaxChars(20));
        Optional(columns, Field.CompanyName, d => d.CompanyName, FieldRules.MaxChars(200));
        Optional(columns, Field.OpportunityName, d => d.OpportunityName, FieldRules.MaxChars(200));
        Optional(columns, Field.Status, d => d.Status, FieldRules.MaxChars(200));
        Optional(columns, Field.CompanyUrl, d => d.CompanyUrl, FieldRules.HttpUrl());
        Optional(columns, Field.ContactUrl, d => d.ContactUrl, FieldRules.HttpUrl());
        Optional(columns, Field.ImageUrl, d => d.ImageUrl, FieldRules.HttpUrl());
        Optional(columns, Field.OpportunityUrl, d => d.OpportunityUrl, FieldRules.HttpUrl());
        Optional(columns, Field.Timezone, d => d.Timezone, FieldRules.IanaTimeZone());
        Optional(columns, Field.AssociatedMembers, d => d.AssociatedMembers, FieldRules.MemberIds());
        Optional(columns, Field.ExternalSyncSource, d => d.ExternalSyncSource, new FieldCheck(
            v => v is null || v.Equals("salesforce", StringComparison.OrdinalIgnoreCase),
            "{PropertyName}: '{PropertyValue}' is not accepted; the only source Tallyfy accepts is salesforce"));
        Optional(columns, Field.ExternalDateCreation, d => d.ExternalDateCreation, FieldRules.ApiDateTime());
    }

    /// <summary>Adds a rule for a column the file has, named as the user named it.</summary>
    private void Optional(ColumnMap columns, string field, Expression<Func<PersonDraft, string?>> property, FieldCheck check)
    {
        if (columns.Has(field))
        {
            Rule(property, columns.DisplayName(field), check);
        }
    }
}

/// <summary>The invite-member rules of TALLYFY-API.md; messages name the columns as the user wrote them.</summary>
internal sealed class MemberValidator : PersonRules
{
    public static readonly string[] Roles = ["admin", "standard", "light"];

    public MemberValidator(ColumnMap columns)
    {
        // Names, role and message are required whether or not the file has the column (defaults may fill the last two).
        Rule(d => d.Email, columns.DisplayName(Field.Email), FieldRules.ValidEmail());
        Rule(d => d.FirstName, columns.DisplayName(Field.FirstName), FieldRules.Required("for members"), FieldRules.MaxChars(32));
        Rule(d => d.LastName, columns.DisplayName(Field.LastName), FieldRules.Required("for members"), FieldRules.MaxChars(32));
        Rule(d => d.Role, columns.Has(Field.Role) ? columns.DisplayName(Field.Role) : "role (Import:DefaultRole)",
            FieldRules.Required("for members (add a Role column or set Import:DefaultRole)"),
            new FieldCheck(r => r is null || Roles.Contains(r, StringComparer.OrdinalIgnoreCase),
                "{PropertyName}: '{PropertyValue}' is not a Tallyfy role; use admin, standard or light"));
        Rule(d => d.Message, columns.Has(Field.Message) ? columns.DisplayName(Field.Message) : "message (Import:InviteMessage)",
            FieldRules.Required("for members (add a Message column or set Import:InviteMessage)"),
            FieldRules.MaxChars(5000));
        if (columns.Has(Field.Timezone))
        {
            Rule(d => d.Timezone, columns.DisplayName(Field.Timezone), FieldRules.IanaTimeZone());
        }
    }
}
