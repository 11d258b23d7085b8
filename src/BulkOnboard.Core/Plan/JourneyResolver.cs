using BulkOnboard.Configuration;
using BulkOnboard.Input;

namespace BulkOnboard.Plan;

/// <summary>
/// Checks a journey against its template before anything is sent (PRODUCT.md, "Onboarding journeys"):
/// every <c>Fields</c> key is exactly one kick-off field, every <c>Assign</c> and <c>Deadlines</c> key exactly
/// one step (by id, else alias, else label or title; case and surrounding spaces aside), the fields can be
/// filled from the row, and no step is left to a guest alone.
/// </summary>
internal static class JourneyResolver
{
    /// <summary>Row fields that hold a date, and those that hold an email: what a date or email field can be filled from.</summary>
    private static readonly HashSet<string> DateFields = new(StringComparer.OrdinalIgnoreCase) { Field.StartDate, Field.EndDate, Field.ExternalDateCreation };

    private static readonly HashSet<string> EmailFields = new(StringComparer.OrdinalIgnoreCase) { Field.Email, Field.Manager };

    /// <exception cref="JourneyException">A field or step that does not exist or is ambiguous, a field a row cannot fill, a step only a guest would hold.</exception>
    public static ResolvedJourney Resolve(JourneyOptions journey, Template template)
    {
        var launch = LaunchTime.Parse(journey.Launch, $"journey '{journey.Name}': Launch");
        var name = JourneySyntax.ParseName(journey.ProcessName) ?? throw Fail(journey, $"ProcessName '{journey.ProcessName}' has a brace without its pair");
        var fields = new List<ResolvedField>();
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, source) in journey.Fields)
        {
            var field = One(journey, template, "kick-off field", key, template.Fields, f => f.Id, f => f.Alias, f => f.Label);
            if (!taken.TryAdd(field.Id, key))
            {
                throw Fail(journey, $"Fields '{taken[field.Id]}' and '{key}' both name kick-off field '{field.Label}' of template '{template.Title}'");
            }

            CheckFillable(journey, field, source.Trim());
            fields.Add(new ResolvedField(field, source.Trim()));
        }

        return new ResolvedJourney(journey, template, launch, name, fields, Steps(journey, template));
    }

    private static List<ResolvedStep> Steps(JourneyOptions journey, Template template)
    {
        var assign = new Dictionary<string, (string Key, IReadOnlyList<JourneyAssignee> Who)>(StringComparer.Ordinal);
        var deadlines = new Dictionary<string, (string Key, LaunchTime When)>(StringComparer.Ordinal);
        var steps = new Dictionary<string, TemplateStep>(StringComparer.Ordinal);
        foreach (var (key, value) in journey.Assign)
        {
            var step = One(journey, template, "step", key, template.Steps, s => s.Id, s => s.Alias, s => s.Title);
            if (!JourneySyntax.TryParseAssignees(value, out var who, out var bad))
            {
                throw Fail(journey, $"Assign '{key}': '{bad}' is not person, manager, group:NAME or an email");
            }

            if (assign.TryGetValue(step.Id, out var earlier))
            {
                throw Fail(journey, $"Assign '{earlier.Key}' and '{key}' both name step '{step.Title}' of template '{template.Title}'");
            }

            assign[step.Id] = (key, who);
            steps[step.Id] = step;
        }

        foreach (var (key, value) in journey.Deadlines)
        {
            var step = One(journey, template, "step", key, template.Steps, s => s.Id, s => s.Alias, s => s.Title);
            var when = LaunchTime.Parse(value, $"journey '{journey.Name}': Deadlines '{key}'");
            if (when.IsNow)
            {
                throw Fail(journey, $"Deadlines '{key}' must be start_date±Nd (is '{value}')");
            }

            if (deadlines.TryGetValue(step.Id, out var earlier))
            {
                throw Fail(journey, $"Deadlines '{earlier.Key}' and '{key}' both name step '{step.Title}' of template '{template.Title}'");
            }

            deadlines[step.Id] = (key, when);
            steps[step.Id] = step;
        }

        var guests = journey.Kinds.Count == 0 || journey.Kinds.Any(k => PersonKinds.TryParse(k, out var kind) && kind == PersonKind.Guest);
        var resolved = new List<ResolvedStep>();
        foreach (var step in template.Steps.Where(s => steps.ContainsKey(s.Id)))
        {
            var who = assign.TryGetValue(step.Id, out var a) ? a.Who : [];
            if (guests && who.Count > 0 && who.All(w => w.Kind == AssigneeKind.Person))
            {
                throw Fail(journey, $"step '{step.Title}' is assigned only to the person, who may be a guest: a guest's task needs a member beside it (add manager, a group or a member's email)");
            }

            resolved.Add(new ResolvedStep(step, who, deadlines.TryGetValue(step.Id, out var d) ? d.When : null));
        }

        return resolved;
    }

    private static void CheckFillable(JourneyOptions journey, KickoffField field, string source)
    {
        if (!KickoffValues.CanFill(field.FieldType))
        {
            throw Fail(journey, $"kick-off field '{field.Label}' is a {field.FieldType} field, which a journey cannot fill from a row");
        }

        var type = field.FieldType.Trim();
        var known = Field.BuiltInAliases.ContainsKey(source);
        if (known && type.Equals("date", StringComparison.OrdinalIgnoreCase) && !DateFields.Contains(source))
        {
            throw Fail(journey, $"kick-off field '{field.Label}' is a date field; '{source}' is not a date");
        }

        if (known && type.Equals("email", StringComparison.OrdinalIgnoreCase) && !EmailFields.Contains(source))
        {
            throw Fail(journey, $"kick-off field '{field.Label}' is an email field; '{source}' is not an email");
        }

        if (type.Equals("table", StringComparison.OrdinalIgnoreCase) && field.Columns.Count == 0)
        {
            throw Fail(journey, $"kick-off field '{field.Label}' is a table without columns");
        }
    }

    /// <summary>The one item whose id, else alias, else label or title is <paramref name="key"/>.</summary>
    private static T One<T>(JourneyOptions journey, Template template, string what, string key, IEnumerable<T> items, params Func<T, string?>[] names)
    {
        var wanted = key.Trim();
        var all = items.ToList();
        foreach (var name in names)
        {
            var found = all.Where(item => string.Equals(name(item)?.Trim(), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            if (found.Count == 1)
            {
                return found[0];
            }

            if (found.Count > 1)
            {
                throw Fail(journey, $"template '{template.Title}' has {found.Count} {what}s named '{wanted}'; name it by its id");
            }
        }

        throw Fail(journey, $"template '{template.Title}' has no {what} '{wanted}'");
    }

    private static JourneyException Fail(JourneyOptions journey, string what) => new($"journey '{journey.Name}': {what}");
}
