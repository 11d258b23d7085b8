using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BulkOnboard.Input;

/// <summary>
/// A mapping file (<c>--mapping</c>, <c>Import:Mapping</c>; PRODUCT.md, "Input"): which column feeds
/// which field, value maps per field, defaults, and row filters. JSON, or YAML (<c>.yaml</c>/<c>.yml</c>).
/// Every part is optional; anything it cannot use stops the run with one line naming the file and the part.
/// </summary>
internal sealed partial class MappingFile
{
    private static readonly HashSet<string> Parts = ["columns", "values", "defaults", "include", "exclude", "formats"];

    private MappingFile(string path) => Path = path;

    /// <summary>The file, for messages.</summary>
    public string Path { get; }

    /// <summary>Field → the header of the column that feeds it.</summary>
    public IReadOnlyDictionary<string, string> Columns { get; private init; } = new Dictionary<string, string>();

    /// <summary>Field → (value as the file writes it, compared without case and surrounding spaces → value to use).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Values { get; private init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Field → the value a row gets when its cell is empty or the file has no such column.</summary>
    public IReadOnlyDictionary<string, string> Defaults { get; private init; } = new Dictionary<string, string>();

    /// <summary>A row is kept only when it passes every one of these.</summary>
    public IReadOnlyList<RowFilter> Include { get; private init; } = [];

    /// <summary>A row is left out when it matches any of these.</summary>
    public IReadOnlyList<RowFilter> Exclude { get; private init; } = [];

    public bool HasFilters => Include.Count + Exclude.Count > 0;

    /// <summary>Date field → its format as .NET writes one (<c>dd/MM/yyyy</c>): how <c>start_date</c>/<c>end_date</c> are read.</summary>
    public IReadOnlyDictionary<string, string> Formats { get; private init; } = new Dictionary<string, string>();

    /// <summary>Reads a mapping file; throws <see cref="InputException"/> with one line when it cannot be used.</summary>
    public static MappingFile Load(string path)
    {
        string text;
        try
        {
            text = InputFile.ReadSmallText(path, $"mapping file {path}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"mapping file {path}: cannot be read: {ex.Message}");
        }

        var root = Parse(path, text);
        if (root is null)
        {
            return new MappingFile(path);
        }

        if (root is not JsonObject parts)
        {
            throw Problem(path, "must be an object with columns, values, defaults, include, exclude and formats (each optional)");
        }

        foreach (var (name, _) in parts)
        {
            if (!Parts.Contains(name))
            {
                throw Problem(path, $"'{name}' is not a part of a mapping; use columns, values, defaults, include, exclude or formats");
            }
        }

        return new MappingFile(path)
        {
            Columns = Strings(path, "columns", parts["columns"]).ToDictionary(p => FieldName(path, "columns", p.Key), p => p.Value, StringComparer.Ordinal),
            Values = ValueMaps(path, parts["values"]),
            Defaults = Strings(path, "defaults", parts["defaults"]).ToDictionary(p => FieldName(path, "defaults", p.Key), p => p.Value, StringComparer.Ordinal),
            Include = Filters(path, "include", parts["include"]),
            Exclude = Filters(path, "exclude", parts["exclude"]),
            Formats = Strings(path, "formats", parts["formats"]).ToDictionary(p => DateField(path, FieldName(path, "formats", p.Key)), p => p.Value, StringComparer.Ordinal),
        }.Checked();
    }

    /// <summary>The value to use for <paramref name="field"/> when its cell says <paramref name="value"/>, or the value itself.</summary>
    public string Map(string field, string value) =>
        Values.TryGetValue(field, out var map) && map.TryGetValue(value, out var mapped) ? mapped : value;

    /// <summary>Whether <paramref name="format"/> is a date format with a day, a month and a year (NodaTime's patterns, as .NET writes them).</summary>
    internal static bool IsDateFormat(string format)
    {
        try
        {
            _ = NodaTime.Text.LocalDatePattern.CreateWithInvariantCulture(format);
            return format.Contains('d', StringComparison.Ordinal) && format.Contains('M', StringComparison.Ordinal) && format.Contains('y', StringComparison.Ordinal);
        }
        catch (NodaTime.Text.InvalidPatternException)
        {
            return false;
        }
    }

    private static string DateField(string path, string field) => field is Field.StartDate or Field.EndDate
        ? field
        : throw Problem(path, $"formats.{field}: only start_date and end_date take a format");

    private MappingFile Checked()
    {
        foreach (var (field, format) in Formats)
        {
            if (!IsDateFormat(format))
            {
                throw Problem(Path, $"formats.{field} is '{format}', which is not a date format (use letters such as dd/MM/yyyy or MM/dd/yyyy)");
            }
        }

        foreach (var (from, to) in Values.TryGetValue(Field.Kind, out var kinds) ? kinds : new Dictionary<string, string>())
        {
            if (!PersonKinds.TryParse(to, out _))
            {
                throw Problem(Path, $"values.kind maps '{from}' to '{to}', which is not a kind; use guest or member");
            }
        }

        if (Defaults.TryGetValue(Field.Kind, out var kind) && !PersonKinds.TryParse(kind, out _))
        {
            throw Problem(Path, $"defaults.kind is '{kind}', which is not a kind; use guest or member");
        }

        return this;
    }

    private static IEnumerable<KeyValuePair<string, string>> Strings(string path, string part, JsonNode? node)
    {
        if (node is null)
        {
            yield break;
        }

        if (node is not JsonObject map)
        {
            throw Problem(path, $"{part} must be an object of field: value");
        }

        foreach (var (key, value) in map)
        {
            yield return KeyValuePair.Create(key, Scalar(value) ?? throw Problem(path, $"{part}.{key} must be a text value"));
        }
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> ValueMaps(string path, JsonNode? node)
    {
        var maps = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (node is null)
        {
            return maps;
        }

        if (node is not JsonObject fields)
        {
            throw Problem(path, "values must be an object of field: { value in the file: value to use }");
        }

        foreach (var (key, value) in fields)
        {
            var field = FieldName(path, "values", key);
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (from, to) in Strings(path, $"values.{key}", value))
            {
                map[from.Trim()] = to.Trim();
            }

            maps[field] = map;
        }

        return maps;
    }

    private static List<RowFilter> Filters(string path, string part, JsonNode? node)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray rules)
        {
            throw Problem(path, $"{part} must be a list of {{ column, equals: [...] }} or {{ column, matches: regex }}");
        }

        var filters = new List<RowFilter>();
        for (var i = 0; i < rules.Count; i++)
        {
            var where = $"{part}[{i}]";
            if (rules[i] is not JsonObject rule)
            {
                throw Problem(path, $"{where} must be an object with column and equals or matches");
            }

            foreach (var (name, _) in rule)
            {
                if (name is not ("column" or "equals" or "matches"))
                {
                    throw Problem(path, $"{where}: '{name}' is not part of a filter; use column, equals or matches");
                }
            }

            var column = Scalar(rule["column"]) is { Length: > 0 } c ? c : throw Problem(path, $"{where} has no column");
            var equals = rule["equals"] switch
            {
                null => null,
                JsonArray list => list.Select(v => Scalar(v) ?? throw Problem(path, $"{where}.equals holds a value that is not text")).ToArray(),
                var single => [Scalar(single) ?? throw Problem(path, $"{where}.equals must be a list of values")],
            };
            Regex? matches = null;
            if (rule["matches"] is { } pattern)
            {
                try
                {
                    matches = RowFilter.CreatePattern(Scalar(pattern) ?? throw Problem(path, $"{where}.matches must be a text value"));
                }
                catch (ArgumentException ex)
                {
                    throw Problem(path, $"{where}.matches is not a valid regular expression: {ex.Message}");
                }
            }

            if (equals is null && matches is null)
            {
                throw Problem(path, $"{where} needs equals (a list of values) or matches (a regular expression)");
            }

            filters.Add(new RowFilter(part == "include", column, equals, matches));
        }

        return filters;
    }

    private static string? Scalar(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
            _ => null,
        }
        : null;

    /// <summary>A field named as the API names it (<c>first_name</c>), any case or spacing (<c>First Name</c>).</summary>
    private static string FieldName(string path, string part, string name)
    {
        var key = HeaderMatcher.Normalize(name);
        foreach (var field in Field.BuiltInAliases.Keys)
        {
            if (HeaderMatcher.Normalize(field) == key)
            {
                return field;
            }
        }

        throw Problem(path, $"{part}: '{name}' is not a field BulkOnboard knows; use one of {string.Join(", ", Field.BuiltInAliases.Keys)}");
    }

    private static InputException Problem(string path, string what) => new($"mapping file {path}: {what}");
}
