namespace BulkOnboard.Input;

/// <summary>Where each known field sits in the user's header, and the names the user gave the columns.</summary>
public sealed class ColumnMap
{
    private readonly Dictionary<string, int> _indexByField;

    private ColumnMap(string[] headerCells, int headerRowNumber, Dictionary<string, int> indexByField, string[] unknownColumns)
    {
        HeaderCells = headerCells;
        HeaderRowNumber = headerRowNumber;
        _indexByField = indexByField;
        UnknownColumns = unknownColumns;
    }

    /// <summary>The header row exactly as the user wrote it.</summary>
    public IReadOnlyList<string> HeaderCells { get; }

    /// <summary>The spreadsheet row number of the header.</summary>
    public int HeaderRowNumber { get; }

    /// <summary>Non-empty header cells that name no known field.</summary>
    public IReadOnlyList<string> UnknownColumns { get; }

    public bool HasEmail => _indexByField.ContainsKey(Field.Email);

    /// <summary>Maps a candidate header row; the first column naming a field wins.</summary>
    public static ColumnMap Create(string[] headerCells, int headerRowNumber, HeaderMatcher matcher)
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
        return new ColumnMap([.. HeaderCells], HeaderRowNumber, indexByField, unknown) { EmailFoundByContent = why };
    }

    public bool Has(string field) => _indexByField.ContainsKey(field);

    /// <summary>The trimmed value of a field in a record, or <c>null</c> when the column is absent or the cell empty.</summary>
    public string? Get(string[] cells, string field)
    {
        if (!_indexByField.TryGetValue(field, out var index) || index >= cells.Length)
        {
            return null;
        }

        var value = cells[index].Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary>The column name as the user wrote it, for messages; the field name when the file has no such column.</summary>
    public string DisplayName(string field) =>
        _indexByField.TryGetValue(field, out var index) && !string.IsNullOrWhiteSpace(HeaderCells[index])
            ? HeaderCells[index].Trim()
            : field;
}
