using BulkOnboard.Configuration;
using BulkOnboard.Input;

namespace BulkOnboard.Plan;

/// <summary>
/// Which journey a person gets: the first one, in configuration order, whose <c>Kinds</c> include the
/// person's kind and whose <c>When</c> rules all hold for the row (none when no journey fits).
/// </summary>
internal sealed class JourneyChoice
{
    private readonly IReadOnlyList<Candidate> _candidates;

    /// <param name="journeys">The validated journeys (<see cref="JourneysOptionsValidator"/>), in configuration order.</param>
    public JourneyChoice(IEnumerable<JourneyOptions> journeys) =>
        _candidates = [.. journeys.Select(j => new Candidate(j, Kinds(j), [.. j.When.Select(Filter)]))];

    /// <summary>
    /// The journey for a person of <paramref name="kind"/>, or <c>null</c>. <paramref name="valueOf"/> gives the
    /// row's value by field name (<c>start_date</c>, <c>manager</c>, ...) or input column header, <c>null</c>
    /// when the row has none. A rule fails closed: a row without the rule's column, or whose cell a pattern
    /// could not be evaluated on in time, does not meet it.
    /// </summary>
    public JourneyOptions? For(PersonKind kind, Func<string, string?> valueOf)
    {
        foreach (var candidate in _candidates)
        {
            if (candidate.Kinds.Contains(kind) && candidate.Rules.All(rule => valueOf(rule.Column) is { } value && rule.IsMetBy(value) == true))
            {
                return candidate.Journey;
            }
        }

        return null;
    }

    private static HashSet<PersonKind> Kinds(JourneyOptions journey)
    {
        var kinds = new HashSet<PersonKind>();
        foreach (var word in journey.Kinds)
        {
            kinds.Add(PersonKinds.TryParse(word, out var kind) ? kind : throw new JourneyException($"journey '{journey.Name}': Kinds holds '{word}', which is neither member nor guest"));
        }

        return kinds.Count == 0 ? [PersonKind.Member, PersonKind.Guest] : kinds;
    }

    private static RowFilter Filter(JourneyRule rule)
    {
        var pattern = string.IsNullOrEmpty(rule.Matches) ? null : RowFilter.CreatePattern(rule.Matches);
        return new RowFilter(true, rule.Column.Trim(), rule.Equals is { Count: > 0 } values ? values : null, pattern);
    }

    private sealed record Candidate(JourneyOptions Journey, HashSet<PersonKind> Kinds, IReadOnlyList<RowFilter> Rules);
}
