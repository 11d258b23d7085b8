namespace BulkOnboard.Input;

/// <summary>Which files are read, and which of them as workbooks, by their extension.</summary>
internal static class TableReaders
{
    public static readonly string[] SupportedExtensions = [".csv", ".tsv", ".txt", ".xlsx", ".xls"];

    /// <summary>Whether the file is read as an Excel workbook (and so also gets <c>results.xlsx</c>).</summary>
    public static bool IsWorkbook(string path) => Path.GetExtension(path).ToLowerInvariant() is ".xlsx" or ".xls";

    /// <summary>Refuses, before anything is read, a file of a type that is not read.</summary>
    public static void EnsureSupported(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (!SupportedExtensions.Contains(extension))
        {
            throw new InputException($"{path}: unsupported file type '{extension}'; use one of {string.Join(", ", SupportedExtensions)}");
        }
    }
}
