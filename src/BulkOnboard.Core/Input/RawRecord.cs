namespace BulkOnboard.Input;

/// <summary>One record of a table as read, numbered as a spreadsheet would show it.</summary>
internal readonly record struct RawRecord(int RowNumber, string[] Cells)
{
    public bool IsBlank => Cells.All(string.IsNullOrWhiteSpace);

    /// <summary>Why the record's cells cannot be trusted as read (text after a closing quote), or <c>null</c>: such a row is invalid, never sent.</summary>
    public string? Problem { get; init; }
}
