using System.Globalization;
using System.Text.RegularExpressions;

namespace BulkOnboard.EndToEnd.Tests.Support;

/// <summary>
/// A strict reader of Prometheus's text exposition format, for what <c>promtool check metrics</c> would
/// say (promtool is not on the test machines): well-formed lines, one <c>TYPE</c> per family before its
/// samples, every sample in a declared family, no series twice, and counters as Prometheus users expect,
/// never negative and named for <c>rate()</c>: in OpenMetrics (what Prometheus asks for) <c># TYPE x counter</c>
/// with samples <c>x_total</c> and a closing <c># EOF</c>; in the classic text format 0.0.4, where a sample
/// bears its family's name, <c># TYPE x_total counter</c> with samples <c>x_total</c>.
/// </summary>
public static partial class PrometheusText
{
    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^# HELP (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) .*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{(?:[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*"",?)*\})? (?<value>\S+)(?: -?\d+)?$")]
    private static partial Regex SampleLine();

    /// <summary>Each family's type, by the name its <c>TYPE</c> line gives.</summary>
    public static Dictionary<string, string> Types(string text) =>
        text.Split('\n').Select(l => TypeLine().Match(l.TrimEnd('\r'))).Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value, StringComparer.Ordinal);

    /// <summary>Everything wrong with <paramref name="text"/>; empty when it is clean.</summary>
    public static List<string> Problems(string text, bool openMetrics)
    {
        var problems = new List<string>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                if (i != lines.Length - 1)
                {
                    problems.Add($"line {i + 1}: an empty line inside the exposition");
                }

                continue;
            }

            if (TypeLine().Match(line) is { Success: true } type)
            {
                var name = type.Groups["name"].Value;
                if (!types.TryAdd(name, type.Groups["type"].Value))
                {
                    problems.Add($"line {i + 1}: a second TYPE for {name}");
                }

                if (type.Groups["type"].Value == "counter" && name.EndsWith("_total", StringComparison.Ordinal) == openMetrics)
                {
                    problems.Add(openMetrics
                        ? $"line {i + 1}: the counter family {name} is named with its sample's _total suffix"
                        : $"line {i + 1}: the counter {name} does not end in _total");
                }

                continue;
            }

            if (line == "# EOF" && openMetrics)
            {
                if (i < lines.Length - 2 || (i == lines.Length - 2 && lines[^1].Length > 0))
                {
                    problems.Add($"line {i + 1}: # EOF before the end");
                }

                continue;
            }

            if (line.StartsWith('#'))
            {
                if (!HelpLine().IsMatch(line) && !(openMetrics && line.StartsWith("# UNIT ", StringComparison.Ordinal)))
                {
                    problems.Add($"line {i + 1}: a comment that is neither HELP nor TYPE: {line}");
                }

                continue;
            }

            if (SampleLine().Match(line) is not { Success: true } sample)
            {
                problems.Add($"line {i + 1}: not a sample: {line}");
                continue;
            }

            var sampleName = sample.Groups["name"].Value;
            if (!seen.Add(sampleName + sample.Groups["labels"].Value))
            {
                problems.Add($"line {i + 1}: the series {sampleName}{sample.Groups["labels"].Value} twice");
            }

            if (!double.TryParse(sample.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && sample.Groups["value"].Value is not ("+Inf" or "-Inf" or "NaN"))
            {
                problems.Add($"line {i + 1}: the value {sample.Groups["value"].Value} is not a number");
            }

            var family = FamilyOf(sampleName, types);
            if (family is null)
            {
                problems.Add($"line {i + 1}: {sampleName} has no TYPE line before it");
            }
            else if (types[family] == "counter"
                && ((openMetrics ? sampleName is var n && n != family + "_total" && n != family + "_created" : sampleName != family) || value < 0))
            {
                problems.Add($"line {i + 1}: counter {family}'s sample must be {(openMetrics ? family + "_total" : family)} and not negative: {line}");
            }
        }

        if (openMetrics && !lines.Any(l => l.TrimEnd('\r') == "# EOF"))
        {
            problems.Add("no # EOF at the end");
        }

        return problems;
    }

    private static string? FamilyOf(string sample, Dictionary<string, string> types)
    {
        foreach (var suffix in new[] { string.Empty, "_total", "_bucket", "_sum", "_count", "_created" })
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && types.ContainsKey(sample[..^suffix.Length]))
            {
                return sample[..^suffix.Length];
            }
        }

        return null;
    }
}
