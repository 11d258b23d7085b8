namespace BulkOnboard.Input;

/// <summary>
/// Where each known field sits in the user's header, and the names the user gave the columns; with a
/// mapping file, also its columns (which win over aliases), value maps, defaults and row filters.
/// </summary>
internal sealed class ColumnMap
{
    private readonly Dictionary<string, int> _indexByField;
    private MappingFile? _mapping;
    private (RowFilter Rule, int Index)[] _filters = [];

    /// <summary>With a mapping: each field's column (-1 for none), value map and default, looked up once per cell; <c>null</c> without.</summary>
    private Dictionary<string, (int Index, IReadOnlyDictionary<string, string>? Values, string? Default)>? _rules;

    private ColumnMap(string[] headerCells, int headerRowNumber, Dictionary<string, int> indexByField, string[] unknownColumns)
    {
        HeaderCells = headerCells;
        HeaderRowNumber = headerRowNumber;
        _indexByField = indexByField;
        UnknownColumns = unknownColumns;
    }

    /// <summary>The mapping file applied, if any.</summary>
    public MappingFile? Mapping => _mapping;

    /// <summary>The columns the mapping names that this header lacks, described for the one-line error.</summary>
    public IReadOnlyList<string> MissingMappedColumns { get; private init; } = [];

    /// <summary>The header row exactly as the user wrote it.</summary>
    public IReadOnlyList<string> HeaderCells { get; }

    /// <summary>The spreadsheet row number of the header.</summary>
    public int HeaderRowNumber { get; }

    /// <summary>Non-empty header cells that name no known field.</summary>
    public IReadOnlyList<string> UnknownColumns { get; }

    public bool HasEmail => _indexByField.ContainsKey(Field.Email);

    /// <summary>
    /// Maps a candidate header row; the first column naming a field wins, and a column the mapping
    /// file names for a field wins over them all.
    /// </summary>
    public static ColumnMap Create(string[] headerCells, int headerRowNumber, HeaderMatcher matcher, MappingFile? mapping = null)
    {
        var map = Create(headerCells, headerRowNumber, matcher);
        return mapping is null ? map : map.With(mapping);
    }

    private static ColumnMap Create(string[] headerCells, int headerRowNumber, HeaderMatcher matcher)
    {
        var indexByField = new Dictionary<string, int>(StringComparer.Ordinal);
        var unknown = new List<string>();
        var extraPhones = new List<int>();
        for (var i = 0; i < headerCells.Length; i++)
        {
            var field = matcher.Resolve(headerCells[i]);
            if (field is null)
            {
                if (!string.IsNullOrWhiteSpace(headerCells[i]))
                {
                    unknown.Add(headerCells[i].Trim());
                }
            }
            else if (!indexByField.TryAdd(field, i) && field == Field.Phone1)
            {
                extraPhones.Add(i);
            }
        }

        // HR exports often have a mobile and a work phone: the second becomes phone_2 unless a column names phone_2 itself.
        if (extraPhones.Count > 0 && indexByField.TryAdd(Field.Phone2, extraPhones[0]))
        {
            extraPhones.RemoveAt(0);
        }

        unknown.AddRange(extraPhones.Select(i => headerCells[i].Trim()));
        return new ColumnMap(headerCells, headerRowNumber, indexByField, [.. unknown]);
    }

    /// <summary>When no header named the email: which column's values showed it, for the log.</summary>
    public string? EmailFoundByContent { get; private init; }

    /// <summary>This map with the email read from column <paramref name="index"/>, whose values are addresses.</summary>
    public ColumnMap WithEmailAt(int index, string why)
    {
        var indexByField = new Dictionary<string, int>(_indexByField.Where(f => f.Value != index), StringComparer.Ordinal) { [Field.Email] = index };
        var unknown = UnknownColumns.Where(c => c != HeaderCells[index].Trim()).ToArray();
        return new ColumnMap([.. HeaderCells], HeaderRowNumber, indexByField, unknown)
        {
            EmailFoundByContent = why, _mapping = _mapping, _filters = _filters, _rules = _mapping is null ? null : Rules(indexByField, _mapping),
            MissingMappedColumns = MissingMappedColumns,
        };
    }

    /// <summary>Whether rows can have this field: a column feeds it, or the mapping gives it a default.</summary>
    public bool Has(string field) => _indexByField.ContainsKey(field) || _mapping?.Defaults.ContainsKey(field) == true;

    /// <summary>The field column <paramref name="index"/> feeds, or <c>null</c> when it feeds none.</summary>
    public string? FieldAt(int index) => _indexByField.FirstOrDefault(f => f.Value == index).Key;

    /// <summary>Whether the mapping file (not an alias) chose the column for this field.</summary>
    public bool IsMapped(string field) => _mapping?.Columns.ContainsKey(field) == true;

    /// <summary>
    /// The trimmed value of a field in a record, with the mapping's value map applied; the mapping's
    /// default when the cell is empty or the file has no such column; otherwise <c>null</c>.
    /// </summary>
    public string? Get(string[] cells, string field)
    {
        if (_rules is not null)
        {
            return GetMapped(cells, field);
        }

        if (!_indexByField.TryGetValue(field, out var index) || index >= cells.Length)
        {
            return null;
        }

        var value = cells[index].Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary><see cref="Get"/> with the mapping's value maps and defaults: one look-up per cell, as without.</summary>
    private string? GetMapped(string[] cells, string field)
    {
        if (!_rules!.TryGetValue(field, out var rule))
        {
            return null;
        }

        var value = rule.Index >= 0 && rule.Index < cells.Length ? cells[rule.Index].Trim() : string.Empty;
        if (value.Length == 0)
        {
            return rule.Default;
        }

        return rule.Values is not null && rule.Values.TryGetValue(value, out var mapped) ? mapped : value;
    }

    /// <summary>
    /// Why the mapping's <c>include</c>/<c>exclude</c> rules leave this record out, or <c>null</c> when
    /// it is kept: it must meet every include rule and no exclude rule.
    /// </summary>
    public string? FilteredOut(string[] cells)
    {
        foreach (var (rule, index) in _filters)
        {
            var value = index < cells.Length ? cells[index] : string.Empty;
            if (rule.LeavesOut(value, out var unevaluated))
            {
                return unevaluated
                    ? $"left out: the mapping file's rule ({rule.Describe()}) could not be evaluated on {rule.Column} (its pattern took longer than {RowFilter.MatchTimeout.TotalSeconds:0} s on this value), so the row is kept out to be safe"
                    : $"left out by the mapping file ({rule.Describe()}): {rule.Column} is '{value.Trim()}'";
            }
        }

        return null;
    }

    /// <summary>The first rule that leaves this record out, or <c>null</c> when it is kept.</summary>
    public RowFilter? LeftOutBy(string[] cells)
    {
        foreach (var (rule, index) in _filters)
        {
            if (rule.LeavesOut(index < cells.Length ? cells[index] : string.Empty, out _))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>The mapping's rules with the column each reads.</summary>
    public IReadOnlyList<(RowFilter Rule, int Index)> Filters => _filters;

    /// <summary>This map with the mapping file's columns put in place and its filters' columns found.</summary>
    private ColumnMap With(MappingFile mapping)
    {
        var indexByField = new Dictionary<string, int>(_indexByField, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var (field, header) in mapping.Columns)
        {
            var index = IndexOf(header);
            if (index < 0)
            {
                missing.Add($"column '{header}' (columns.{field})");
                continue;
            }

            // The mapped column feeds this field only; the field's alias column, if any, is ignored.
            foreach (var other in indexByField.Where(f => f.Value == index || f.Key == field).Select(f => f.Key).ToList())
            {
                indexByField.Remove(other);
            }

            indexByField[field] = index;
        }

        var filters = new List<(RowFilter, int)>();
        foreach (var rule in mapping.Include.Concat(mapping.Exclude))
        {
            var index = IndexOf(rule.Column);
            if (index < 0)
            {
                missing.Add($"column '{rule.Column}' ({(rule.IsInclude ? "include" : "exclude")})");
            }

            filters.Add((rule, index));
        }

        var used = indexByField.Values.ToHashSet();
        var unknown = HeaderCells.Select((cell, i) => (cell, i)).Where(c => !used.Contains(c.i) && !string.IsNullOrWhiteSpace(c.cell)).Select(c => c.cell.Trim()).ToArray();
        return new ColumnMap([.. HeaderCells], HeaderRowNumber, indexByField, unknown)
        {
            _mapping = mapping, _filters = [.. filters], _rules = Rules(indexByField, mapping), MissingMappedColumns = missing,
        };
    }

    private static Dictionary<string, (int, IReadOnlyDictionary<string, string>?, string?)> Rules(Dictionary<string, int> indexByField, MappingFile mapping) =>
        indexByField.Keys.Concat(mapping.Values.Keys).Concat(mapping.Defaults.Keys).Distinct().ToDictionary(
            f => f, f => (indexByField.GetValueOrDefault(f, -1), mapping.Values.GetValueOrDefault(f), mapping.Defaults.GetValueOrDefault(f)), StringComparer.Ordinal);

    /// <summary>The column with this header: written the same (any case and surrounding spaces) first, else the same letters and digits.</summary>
    public int IndexOf(string header)
    {
        var exact = Array.FindIndex(HeaderCells.ToArray(), c => string.Equals(c.Trim(), header.Trim(), StringComparison.OrdinalIgnoreCase));
        if (exact >= 0)
        {
            return exact;
        }

        var key = HeaderMatcher.Normalize(header);
        return key.Length == 0 ? -1 : Array.FindIndex(HeaderCells.ToArray(), c => HeaderMatcher.Normalize(c) == key);
    }

    /// <summary>The column name as the user wrote it, for messages; the field name when the file has no such column.</summary>
    public string DisplayName(string field) =>
        _indexByField.TryGetValue(field, out var index) && !string.IsNullOrWhiteSpace(HeaderCells[index])
            ? HeaderCells[index].Trim()
            : field;
}
