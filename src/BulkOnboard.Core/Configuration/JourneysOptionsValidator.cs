using BulkOnboard.Input;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>
/// The start-up checks of <see cref="JourneysOptions"/>: each wrong setting stops the command with one line
/// naming it (<c>Journeys[1]:Launch must be now or start_date±Nd (is 'tomorrow')</c>; journeys counted from 0,
/// as the configuration's keys count them). The template, its fields and steps are checked against Tallyfy later, once per run.
/// </summary>
internal sealed class JourneysOptionsValidator : IValidateOptions<JourneysOptions>
{
    public ValidateOptionsResult Validate(string? name, JourneysOptions options)
    {
        var failures = new List<string>();
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Journeys.Count; i++)
        {
            var journey = options.Journeys[i];
            var at = $"Journeys[{i}]";
            if (journey is null)
            {
                failures.Add($"{at} is empty: a journey needs a Name and a Template");
                continue;
            }

            if (string.IsNullOrWhiteSpace(journey.Name))
            {
                failures.Add($"{at}:Name must be set (a journey's name is how the journal knows it)");
            }
            else if (!names.TryAdd(journey.Name.Trim(), i))
            {
                failures.Add($"{at}:Name '{journey.Name.Trim()}' is also the name of Journeys[{names[journey.Name.Trim()]}]; names must be unique");
            }

            if (string.IsNullOrWhiteSpace(journey.Template))
            {
                failures.Add($"{at}:Template must be set (a template's id or exact title)");
            }

            CheckTimes(at, journey, failures);
            CheckKinds(at, journey, failures);
            CheckAssign(at, journey, failures);
            CheckProcessName(at, journey, failures);
            CheckWhen(at, journey, failures);
            foreach (var (field, source) in journey.Fields)
            {
                if (string.IsNullOrWhiteSpace(source))
                {
                    failures.Add($"{at}:Fields:{field} must name a field or column of the row");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckTimes(string at, JourneyOptions journey, List<string> failures)
    {
        var range = $"N 0..{JourneySyntax.MaxOffsetDays}";
        if (!JourneySyntax.TryParseWhen(journey.Launch, out _))
        {
            failures.Add($"{at}:Launch must be now or start_date±Nd ({range}) (is '{journey.Launch}')");
        }

        foreach (var (step, deadline) in journey.Deadlines)
        {
            if (!JourneySyntax.TryParseWhen(deadline, out var days) || days is null)
            {
                failures.Add($"{at}:Deadlines:{step} must be start_date±Nd ({range}) (is '{deadline}')");
            }
        }
    }

    private static void CheckKinds(string at, JourneyOptions journey, List<string> failures)
    {
        foreach (var kind in journey.Kinds)
        {
            if (!PersonKinds.TryParse(kind, out _))
            {
                failures.Add($"{at}:Kinds must hold member and/or guest (is '{kind}')");
            }
        }
    }

    private static void CheckAssign(string at, JourneyOptions journey, List<string> failures)
    {
        foreach (var (step, value) in journey.Assign)
        {
            if (!JourneySyntax.TryParseAssignees(value, out _, out var bad))
            {
                failures.Add($"{at}:Assign:{step} must be a comma-separated list of person, manager, group:NAME or an email ('{bad}' is none of them)");
            }
        }
    }

    private static void CheckProcessName(string at, JourneyOptions journey, List<string> failures)
    {
        if (JourneySyntax.ParseName(journey.ProcessName) is not { } parts)
        {
            failures.Add($"{at}:ProcessName has a brace without its pair or an empty placeholder (is '{journey.ProcessName}'); write placeholders as {{name}}");
        }
        else if (!parts.Any(p => p.IsPlaceholder && p.Text.Equals("email", StringComparison.OrdinalIgnoreCase)))
        {
            failures.Add($"{at}:ProcessName must contain {{email}}: a launch whose answer was lost is found again by its name (is '{journey.ProcessName}')");
        }
    }

    private static void CheckWhen(string at, JourneyOptions journey, List<string> failures)
    {
        for (var r = 0; r < journey.When.Count; r++)
        {
            var rule = journey.When[r];
            var where = $"{at}:When[{r}]";
            if (rule is null || string.IsNullOrWhiteSpace(rule.Column))
            {
                failures.Add($"{where} needs a Column");
                continue;
            }

            if (rule.Equals is not { Count: > 0 } && string.IsNullOrEmpty(rule.Matches))
            {
                failures.Add($"{where} needs Equals (a list of values) or Matches (a regular expression)");
            }

            if (!string.IsNullOrEmpty(rule.Matches))
            {
                try
                {
                    RowFilter.CreatePattern(rule.Matches);
                }
                catch (ArgumentException ex)
                {
                    failures.Add($"{where}:Matches is not a valid regular expression ('{rule.Matches}': {ex.Message})");
                }
            }
        }
    }
}
