using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace BulkOnboard.Input;

/// <summary>One <c>include</c> or <c>exclude</c> rule of a mapping file: a column, and values or a pattern.</summary>
/// <param name="AnyOf">The rule's <c>equals</c>: values the cell may hold, compared without case and surrounding spaces.</param>
/// <param name="Pattern">The rule's <c>matches</c>: a pattern the cell matches (case-insensitive).</param>
internal sealed record RowFilter(bool IsInclude, string Column, IReadOnlyList<string>? AnyOf, Regex? Pattern)
{
    /// <summary>How long one cell may take to match a pattern that needs backtracking.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly HashSet<string>? _anyOf = AnyOf?.Select(v => v.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
    private int _unevaluated;

    /// <summary>How many cells this rule could not be evaluated on (its pattern timed out); each such row was kept out.</summary>
    public int Unevaluated => Volatile.Read(ref _unevaluated);

    /// <summary>
    /// A rule's pattern: linear-time (<see cref="RegexOptions.NonBacktracking"/>) whenever .NET can run it
    /// so, which no input can make slow; a pattern that needs backtracking (backreferences, lookarounds,
    /// atomic groups) runs with <see cref="MatchTimeout"/>.
    /// </summary>
    public static Regex CreatePattern(string pattern)
    {
        const RegexOptions Matching = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        try
        {
            return new Regex(pattern, Matching | RegexOptions.NonBacktracking, MatchTimeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, Matching | RegexOptions.Compiled, MatchTimeout);
        }
    }

    /// <summary>
    /// Whether a cell value meets the rule: equals one of the values, or matches the pattern; <c>null</c>
    /// when that cannot be known (the pattern timed out). Callers keep such a row out: a filter fails closed.
    /// </summary>
    public bool? IsMetBy(string value)
    {
        var cell = value.Trim();
        if (_anyOf is not null && _anyOf.Contains(cell))
        {
            return true;
        }

        try
        {
            return Pattern?.IsMatch(cell) == true;
        }
        catch (RegexMatchTimeoutException)
        {
            Interlocked.Increment(ref _unevaluated);
            return null;
        }
    }

    /// <summary>Whether the rule keeps a row with this cell out: it fails the rule, or the rule cannot be evaluated on it.</summary>
    public bool LeavesOut(string value, out bool unevaluated)
    {
        var met = IsMetBy(value);
        unevaluated = met is null;
        return met is not { } m || m != IsInclude;
    }

    private string? _described;

    /// <summary>The rule as a person reads it: <c>include Employment Status equals Active, On Leave</c>.</summary>
    public string Describe() => _described ??= Described();

    private string Described()
    {
        var what = new List<string>();
        if (AnyOf is not null)
        {
            what.Add($"equals {string.Join(", ", AnyOf.Select(v => v.Length == 0 ? "(empty)" : v))}");
        }

        if (Pattern is not null)
        {
            what.Add($"matches {Pattern}");
        }

        return $"{(IsInclude ? "include" : "exclude")} {Column} {string.Join(" or ", what)}";
    }
}
