
namespace BulkOnboard.Input;

/// <summary>
/// <c>bulkonboard inspect</c>: how a file is understood, read whole and sent nowhere. The dialect, the
/// header row, each column with the field it feeds and its first values, how each row gets its kind,
/// and how many rows each mapping filter leaves out.
/// </summary>
internal sealed class InputInspection
{
    private const int Samples = 3;

    private InputInspection()
    {
    }

    public required string Format { get; init; }

    public required int HeaderRow { get; init; }

    public string? MappingPath { get; init; }

    public required IReadOnlyList<InspectedColumn> Columns { get; init; }

    /// <summary>Fields no column feeds that every row gets anyway: from the mapping file or from the settings.</summary>
    public required IReadOnlyList<(string Field, string Value, string From)> Defaults { get; init; }

    /// <summary>Where the kind comes from, in words.</summary>
    public required string KindSource { get; init; }

    /// <summary>Kept rows by kind cell (as written) → the kind it gives (<c>guest</c>, <c>member</c>, or <c>not a kind</c>), most rows first.</summary>
    public required IReadOnlyList<(string Value, string Kind, int Rows)> Kinds { get; init; }

    public required IReadOnlyList<(RowFilter Rule, int LeftOut)> Filters { get; init; }

    public required int Rows { get; init; }

    /// <summary>Kept rows by the onboarding journey they would get (<c>(none)</c>: no journey fits), when journeys are configured.</summary>
    public IReadOnlyList<(string Journey, int Rows)>? Journeys { get; init; }

    public int Kept => Rows - Filters.Sum(f => f.LeftOut);

    /// <summary>Reads <paramref name="table"/> to the end; <paramref name="defaults"/> are the settings' defaults.</summary>
    /// <param name="journeyOf">The onboarding journey a kept row of this kind would get (its name), when journeys are configured.</param>
    public static InputInspection Of(InputTable table, ImportDefaults defaults, Func<string[], PersonKind, string?>? journeyOf = null)
    {
        var journeys = new Dictionary<string, int>(StringComparer.Ordinal);
        var columns = table.Columns;
        var samples = columns.HeaderCells.Select(_ => new List<string>(Samples)).ToArray();
        var leftOut = columns.Filters.ToDictionary(f => f.Rule, _ => 0);
        var kinds = new Dictionary<(string, string), int>();
        var rows = 0;
        foreach (var record in table.DataRows())
        {
            rows++;
            for (var i = 0; i < samples.Length && i < record.Cells.Length; i++)
            {
                // As it will be sent: the escapes validation takes off are off here too.
                if (samples[i].Count < Samples && CellText.AsSent(record.Cells[i].Trim()) is { Length: > 0 } value)
                {
                    samples[i].Add(value);
                }
            }

            if (columns.LeftOutBy(record.Cells) is { } rule)
            {
                leftOut[rule]++;
                continue;
            }

            var cell = columns.Get(record.Cells, Field.Kind);
            var kind = cell is null ? defaults.Kind?.ToWord() ?? "no kind" : PersonKinds.TryParse(cell, out var k) ? k.ToWord() : "not a kind";
            var key = (RawKind(columns, record.Cells) ?? "(empty)", kind);
            kinds[key] = kinds.GetValueOrDefault(key) + 1;
            if (journeyOf is not null && PersonKinds.TryParse(kind, out var rowKind))
            {
                var journey = journeyOf(record.Cells, rowKind) ?? "(none)";
                journeys[journey] = journeys.GetValueOrDefault(journey) + 1;
            }
        }

        return new InputInspection
        {
            Format = table.Description,
            HeaderRow = columns.HeaderRowNumber,
            MappingPath = columns.Mapping?.Path,
            Columns = [.. columns.HeaderCells.Select((header, i) => Describe(columns, header, i, samples[i]))],
            Defaults = DefaultsOf(columns, defaults),
            KindSource = KindSourceOf(columns, defaults),
            Kinds = [.. kinds.OrderByDescending(k => k.Value).Select(k => (k.Key.Item1, k.Key.Item2, k.Value))],
            Filters = [.. columns.Filters.Select(f => (f.Rule, leftOut[f.Rule]))],
            Rows = rows,
            Journeys = journeyOf is null ? null : [.. journeys.OrderByDescending(j => j.Value).Select(j => (j.Key, j.Value))],
        };
    }

    private static string? RawKind(ColumnMap columns, string[] cells)
    {
        var index = Enumerable.Range(0, columns.HeaderCells.Count).FirstOrDefault(i => columns.FieldAt(i) == Field.Kind, -1);
        return index >= 0 && index < cells.Length && cells[index].Trim() is { Length: > 0 } value ? value : null;
    }

    private static InspectedColumn Describe(ColumnMap columns, string header, int index, List<string> samples)
    {
        var field = columns.FieldAt(index);
        var how = field is null
            ? columns.Filters.Any(f => f.Index == index) ? "(not used; read by a filter)" : "(not used)"
            : columns.IsMapped(field) ? "(mapping file)"
            : field == Field.Email && columns.EmailFoundByContent is not null ? "(found by its values)"
            : null;
        var values = field is not null && columns.Mapping?.Values.TryGetValue(field, out var map) == true
            ? string.Join(", ", map!.Select(m => $"{m.Key} -> {m.Value}"))
            : null;
        return new InspectedColumn(header.Trim(), field, how, samples, values);
    }

    private static List<(string, string, string)> DefaultsOf(ColumnMap columns, ImportDefaults defaults)
    {
        var list = new List<(string, string, string)>();
        foreach (var (field, value) in columns.Mapping?.Defaults ?? new Dictionary<string, string>())
        {
            list.Add((field, value, "mapping file: for rows whose cell is empty"));
        }

        if (defaults.Role is { } role && columns.Mapping?.Defaults.ContainsKey(Field.Role) != true)
        {
            list.Add((Field.Role, role, "Import:DefaultRole: for members whose row has none"));
        }

        if (defaults.InviteMessage is { } message && columns.Mapping?.Defaults.ContainsKey(Field.Message) != true)
        {
            list.Add((Field.Message, message, "Import:InviteMessage: for members whose row has none"));
        }

        return list;
    }

    private static string KindSourceOf(ColumnMap columns, ImportDefaults defaults)
    {
        var index = Enumerable.Range(0, columns.HeaderCells.Count).FirstOrDefault(i => columns.FieldAt(i) == Field.Kind, -1);
        var fallback = columns.Mapping?.Defaults.GetValueOrDefault(Field.Kind) is { } mapped
            ? $"the mapping file's default, {mapped}"
            : defaults.Kind is { } kind ? $"{kind.ToWord()} (--kind / Import:DefaultKind)" : null;
        if (index >= 0)
        {
            var values = columns.Mapping?.Values.ContainsKey(Field.Kind) == true ? ", its values mapped by the mapping file" : string.Empty;
            return $"from the column '{columns.HeaderCells[index].Trim()}'{values}; an empty cell gives {fallback ?? "no kind (invalid)"}";
        }

        return fallback is null
            ? "no kind column and no default: the run would stop (pass --kind guest or --kind member)"
            : $"no kind column: every row is {fallback}";
    }
}

/// <summary>One column of an inspected file.</summary>
/// <param name="How">How the field was chosen when not by a header alias: the mapping file, or the column's values.</param>
/// <param name="ValueMap">The mapping file's value map for the field, in words.</param>
internal sealed record InspectedColumn(string Header, string? Field, string? How, IReadOnlyList<string> Samples, string? ValueMap);
