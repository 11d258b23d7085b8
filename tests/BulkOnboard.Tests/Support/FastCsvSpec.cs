namespace BulkOnboard.Tests.Support;

/// <summary>One check of FastCSV's YAML conformance spec, with its placeholders expanded.</summary>
public sealed record FastCsvCheck(string File, string Id, string Input, IReadOnlyList<string[]> Records, bool ExceptionAllowed);

/// <summary>Reads the small YAML subset FastCSV's spec files use (Corpora/fastcsv-spec).</summary>
public static class FastCsvSpec
{
    public static IEnumerable<FastCsvCheck> Load(string path)
    {
        var file = Path.GetFileNameWithoutExtension(path);
        var exceptionAllowed = false;
        string? id = null;
        string? input = null;
        List<string[]>? records = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith("exceptionAllowed: true", StringComparison.Ordinal))
            {
                exceptionAllowed = true;
            }
            else if (line.StartsWith("- id: ", StringComparison.Ordinal))
            {
                foreach (var check in Expand(file, id, input, records, exceptionAllowed))
                {
                    yield return check;
                }

                (id, input, records) = (line[6..].Trim(), null, null);
            }
            else if (line.StartsWith("input: ", StringComparison.Ordinal))
            {
                input = Quoted(line[7..].Trim());
            }
            else if (line.StartsWith("records:", StringComparison.Ordinal))
            {
                records = [];
            }
            else if (records is not null && line.StartsWith("- [", StringComparison.Ordinal))
            {
                records.Add(Row(line[2..]));
            }
        }

        foreach (var check in Expand(file, id, input, records, exceptionAllowed))
        {
            yield return check;
        }
    }

    private static IEnumerable<FastCsvCheck> Expand(string file, string? id, string? input, List<string[]>? records, bool exceptionAllowed)
    {
        if (id is null || input is null || records is null)
        {
            yield break;
        }

        string Fixed(string s) => s.Replace("␤", "\r\n", StringComparison.Ordinal).Replace("␊", "\n", StringComparison.Ordinal).Replace("␍", "\r", StringComparison.Ordinal);
        var newlines = input.Contains('⏎', StringComparison.Ordinal) ? new[] { ("LF", "\n"), ("CRLF", "\r\n"), ("CR", "\r") } : [("", "")];
        var spaces = (input + string.Concat(records.SelectMany(r => r))).Contains('␠', StringComparison.Ordinal) ? new[] { ("space", " "), ("tab", "\t"), ("ff", "\f") } : [("", "")];
        foreach (var (newlineName, newline) in newlines)
        {
            foreach (var (spaceName, space) in spaces)
            {
                string Sub(string s) => Fixed(s.Replace("⏎", newline, StringComparison.Ordinal).Replace("␠", space, StringComparison.Ordinal));
                var name = string.Join("-", new[] { id, newlineName, spaceName }.Where(p => p.Length > 0));
                yield return new FastCsvCheck(file, name, Sub(input), [.. records.Select(r => r.Select(Sub).ToArray())], exceptionAllowed);
            }
        }
    }

    private static string[] Row(string text)
    {
        var inner = text.Trim().TrimStart('[').TrimEnd(']');
        var cells = new List<string>();
        var i = 0;
        while (i < inner.Length)
        {
            if (inner[i] == '\'')
            {
                var end = i + 1;
                var value = new System.Text.StringBuilder();
                while (end < inner.Length)
                {
                    if (inner[end] == '\'' && end + 1 < inner.Length && inner[end + 1] == '\'')
                    {
                        value.Append('\'');
                        end += 2;
                    }
                    else if (inner[end] == '\'')
                    {
                        break;
                    }
                    else
                    {
                        value.Append(inner[end++]);
                    }
                }

                cells.Add(value.ToString());
                i = end + 1;
            }
            else
            {
                i++;
            }
        }

        return [.. cells];
    }

    private static string Quoted(string text) => text switch
    {
        ['\'', .., '\''] => text[1..^1].Replace("''", "'", StringComparison.Ordinal),
        ['"', .., '"'] => text[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal),
        _ => text,
    };
}
