namespace BulkOnboard.Input;

/// <summary>Chooses the table reader for a file by its extension.</summary>
internal static class TableReaders
{
    public static readonly string[] SupportedExtensions = [".csv", ".tsv", ".txt", ".xlsx", ".xls"];

    public static ITableReader Open(string path, InputFingerprint fingerprint, string? sheet)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".csv" or ".tsv" or ".txt" => new CsvTableReader(path, fingerprint),
            ".xlsx" or ".xls" => new ExcelTableReader(path, sheet),
            _ => throw new InputException(
                $"{path}: unsupported file type '{extension}'; use one of {string.Join(", ", SupportedExtensions)}"),
        };
    }
}
