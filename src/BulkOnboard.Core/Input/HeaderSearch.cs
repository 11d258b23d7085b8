namespace BulkOnboard.Input;

/// <summary>
/// Finds a table's header, the same way in both passes over a file: the first row, within the first
/// <see cref="Rows"/>, that has an email column (<see cref="HeaderMatcher"/>, or the mapping file's columns);
/// else the first row, when one of its columns holds (almost) only addresses.
/// </summary>
internal static class HeaderSearch
{
    public const int Rows = 20;

    /// <summary>
    /// Reads <paramref name="records"/> up to the header and returns its columns, and the data records read while
    /// looking for it (blank ones left out), which come before the rest of <paramref name="records"/>. Throws
    /// <see cref="InputException"/> when there is no header, or it lacks a column the mapping file names.
    /// </summary>
    public static (ColumnMap Columns, IReadOnlyList<RawRecord> Pending) Find(string path, IEnumerator<RawRecord> records, HeaderMatcher matcher, MappingFile? mapping)
    {
        var (columns, pending) = FindHeader(path, records, matcher, mapping);
        if (columns.MissingMappedColumns is [var missing, ..])
        {
            var cells = string.Join(", ", columns.HeaderCells.Where(c => !string.IsNullOrWhiteSpace(c)).Take(12).Select(c => c.Trim()));
            throw new InputException($"mapping file {mapping!.Path}: {missing} is not in the header of {Path.GetFileName(path)} (row {columns.HeaderRowNumber} has: {Truncate(cells, 200)})");
        }

        return (columns, pending);
    }

    private static (ColumnMap Columns, IReadOnlyList<RawRecord> Pending) FindHeader(string path, IEnumerator<RawRecord> records, HeaderMatcher matcher, MappingFile? mapping)
    {
        var seen = new List<RawRecord>();
        for (var i = 0; i < Rows && records.MoveNext(); i++)
        {
            var record = records.Current;
            if (record.IsBlank)
            {
                continue;
            }

            seen.Add(record);
            var map = ColumnMap.Create(record.Cells, record.RowNumber, matcher, mapping);
            if (map.HasEmail)
            {
                return (map, []);
            }
        }

        if (seen.Count == 0)
        {
            throw new InputException($"{path}: the file has no rows");
        }

        // No header names the email (Microsoft 365's "User Name" holds it, say): the first row is the
        // header, and the column whose values are (almost) all addresses is the email column.
        var header = seen[0];
        var rows = seen.Skip(1).ToList();
        if (EmailColumnByContent(header, rows) is { } found)
        {
            var columns = ColumnMap.Create(header.Cells, header.RowNumber, matcher, mapping).WithEmailAt(found.Index, found.Why);
            return (columns, rows);
        }

        var cells = string.Join(", ", header.Cells.Where(c => !string.IsNullOrWhiteSpace(c)).Take(12).Select(c => c.Trim()));
        throw new InputException(
            $"{path}: no email column in the first {Rows} rows; expected a header such as Email, E-mail, Email Address or Work Email, or a column of addresses (first row has: {Truncate(cells, 200)})");
    }

    /// <summary>The column where at least 90% of the non-empty values (three at least) look like addresses, the most such first.</summary>
    private static (int Index, string Why)? EmailColumnByContent(RawRecord header, List<RawRecord> rows)
    {
        (int Index, int Addresses, int Values)? best = null;
        for (var column = 0; column < header.Cells.Length; column++)
        {
            var values = rows.Select(r => column < r.Cells.Length ? r.Cells[column].Trim() : string.Empty).Where(v => v.Length > 0).ToList();
            var addresses = values.Count(LooksLikeEmail);
            if (values.Count >= Math.Min(3, rows.Count) && values.Count > 0 && addresses >= 0.9 * values.Count && (best is null || addresses > best.Value.Addresses))
            {
                best = (column, addresses, values.Count);
            }
        }

        return best is { } b
            ? (b.Index, $"no header names the email; the column '{header.Cells[b.Index].Trim()}' holds addresses ({b.Addresses} of the first {b.Values} values), so it is the email column")
            : null;
    }

    private static bool LooksLikeEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && value.IndexOf('.', at) > at + 1 && !value.EndsWith('.') && !value.Any(char.IsWhiteSpace);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "...";
}
