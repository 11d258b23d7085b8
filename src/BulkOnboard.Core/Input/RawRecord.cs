namespace BulkOnboard.Input;

/// <summary>One record of a table as read, numbered as a spreadsheet would show it.</summary>
internal readonly record struct RawRecord(int RowNumber, string[] Cells)
{
    public bool IsBlank => Cells.All(string.IsNullOrWhiteSpace);
}
