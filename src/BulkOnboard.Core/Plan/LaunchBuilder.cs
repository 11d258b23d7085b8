using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Validation;
using NodaTime;

namespace BulkOnboard.Plan;

/// <summary>Who a launch's assignees are in Tallyfy: a member's id by email (<c>null</c>: not a member), and the groups' ids by name.</summary>
internal sealed record JourneyDirectory(Func<string, string?> MemberIdOf, IReadOnlyDictionary<string, string> GroupIds);

/// <summary>The person a launch is for: a member's id (a member) or the email alone (a guest).</summary>
internal sealed record JourneyPerson(PersonKind Kind, string Email, string? MemberId);

/// <summary>One person's launch (<see cref="Request"/>, due at <see cref="Due"/>, <c>null</c>: now), or why there is none (<see cref="Error"/>).</summary>
internal sealed record BuiltLaunch(LaunchRequest? Request, Instant? Due, string? Error);

/// <summary>
/// Builds one person's launch of a resolved journey: the process's name, the kick-off values by field id in
/// their field's shape, and each named step's owners and deadline. What only this row lacks (a manager who
/// is not a member, a value that fits no option, a guest's step without a member) is this row's error.
/// </summary>
internal static partial class LaunchBuilder
{
    /// <summary>The longest process name Tallyfy takes.</summary>
    public const int MaxNameLength = 550;

    /// <param name="valueOf">The row's value by field name or column header; <c>null</c> when it has none.</param>
    /// <param name="dates">The person's dates: a dated launch or deadline falls at 09:00 their time; without a start date the launch is now and no deadline is set.</param>
    public static BuiltLaunch Build(ResolvedJourney journey, Func<string, string?> valueOf, JourneyPerson person, JourneyDirectory directory, PersonDates? dates)
    {
        var name = Name(journey, valueOf, person);
        if (name.Length > MaxNameLength)
        {
            return Failed($"the process name is {name.Length} characters; Tallyfy takes at most {MaxNameLength} (journey '{journey.Name}', ProcessName)");
        }

        var prerun = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in journey.Fields)
        {
            var encoded = KickoffValues.Encode(field.Field, valueOf(field.Source));
            if (encoded.Error is { } error)
            {
                return Failed(error);
            }

            if (encoded.Value is { } value)
            {
                prerun[field.Field.Id] = value;
                labels[field.Field.Id] = field.Field.Label;
            }
        }

        var tasks = new Dictionary<string, StepOwners>(StringComparer.Ordinal);
        foreach (var step in journey.Steps)
        {
            var owners = Owners(step, valueOf, person, directory, out var error);
            if (error is not null)
            {
                return Failed($"step '{step.Step.Title}': {error}");
            }

            tasks[step.Step.Id] = owners! with { Deadline = step.Deadline?.For(dates)?.ToDateTimeOffset() };
        }

        var request = new LaunchRequest(journey.Name, journey.Template.Id, name, prerun, tasks, labels);
        return new BuiltLaunch(request, journey.Launch.For(dates), null);
    }

    /// <summary>
    /// The process's name: each placeholder the row's value (empty when it has none; runs of spaces are one);
    /// <c>{email}</c> is always the person's email, the key a lost launch is found again by.
    /// </summary>
    public static string Name(ResolvedJourney journey, Func<string, string?> valueOf, JourneyPerson person) =>
        Spaces().Replace(string.Concat(journey.ProcessName.Select(part => !part.IsPlaceholder ? part.Text
            : part.Text.Equals(Field.Email, StringComparison.OrdinalIgnoreCase) ? person.Email.Trim()
            : valueOf(part.Text)?.Trim() ?? string.Empty)), " ").Trim();

    private static StepOwners? Owners(ResolvedStep step, Func<string, string?> valueOf, JourneyPerson person, JourneyDirectory directory, out string? error)
    {
        error = null;
        var users = new List<string>();
        var guests = new List<string>();
        var groups = new List<string>();
        var noManager = false;
        foreach (var who in step.Assignees)
        {
            switch (who.Kind)
            {
                case AssigneeKind.Person when person.Kind == PersonKind.Guest:
                    guests.Add(person.Email.Trim());
                    break;
                case AssigneeKind.Person when person.MemberId is { } id:
                    users.Add(id);
                    break;
                case AssigneeKind.Person:
                    error = $"the member {person.Email} has no Tallyfy id to assign it to";
                    return null;
                case AssigneeKind.Manager when valueOf(Field.Manager)?.Trim() is { Length: > 0 } manager:
                    if (directory.MemberIdOf(manager) is not { } managerId)
                    {
                        error = $"the manager {manager} is not a member of the organization";
                        return null;
                    }

                    users.Add(managerId);
                    break;
                case AssigneeKind.Manager:
                    noManager = true;
                    break;
                case AssigneeKind.Group when GroupId(directory, who.Value) is { } groupId:
                    groups.Add(groupId);
                    break;
                case AssigneeKind.Group:
                    error = $"there is no Tallyfy group '{who.Value}'";
                    return null;
                default:
                    if (directory.MemberIdOf(who.Value) is not { } memberId)
                    {
                        error = $"{who.Value} is not a member of the organization";
                        return null;
                    }

                    users.Add(memberId);
                    break;
            }
        }

        var why = noManager ? " (the row has no manager)" : string.Empty;
        if (step.Assignees.Count > 0 && users.Count + guests.Count + groups.Count == 0)
        {
            error = $"no one to assign it to{why}";
            return null;
        }

        if (guests.Count > 0 && users.Count + groups.Count == 0)
        {
            error = $"a guest's task needs a member beside it{why}";
            return null;
        }

        return new StepOwners([.. users.Distinct(StringComparer.Ordinal)], [.. guests.Distinct(StringComparer.OrdinalIgnoreCase)], [.. groups.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>A group's id by its name, as Tallyfy lists it (case aside).</summary>
    private static string? GroupId(JourneyDirectory directory, string name) =>
        directory.GroupIds.TryGetValue(name, out var id) ? id
            : directory.GroupIds.FirstOrDefault(g => string.Equals(g.Key.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase)).Value;

    private static BuiltLaunch Failed(string error) => new(null, null, error);

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Spaces();
}
