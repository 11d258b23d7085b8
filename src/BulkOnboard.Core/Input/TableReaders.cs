namespace BulkOnboard.Input;

/// <summary>Chooses the table reader for a file by its extension.</summary>
internal static class TableReaders
{
    public static readonly string[] SupportedExtensions = [".csv", ".tsv", ".txt", ".xlsx", ".xls"];

    /// <summary>Whether the file is read as an Excel workbook (and so also gets <c>results.xlsx</c>).</summary>
    public static bool IsWorkbook(string path) => Path.GetExtension(path).ToLowerInvariant() is ".xlsx" or ".xls";

    public static ITableReader Open(string path, InputFingerprint fingerprint, string? sheet, CancellationToken cancellationToken)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".csv" or ".tsv" or ".txt" => new CsvTableReader(path, fingerprint, cancellationToken),
            _ when IsWorkbook(path) => new ExcelTableReader(path, sheet),
            _ => throw new InputException(
                $"{path}: unsupported file type '{extension}'; use one of {string.Join(", ", SupportedExtensions)}"),
        };
    }
}
