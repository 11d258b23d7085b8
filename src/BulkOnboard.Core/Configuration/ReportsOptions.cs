namespace BulkOnboard.Configuration;

/// <summary>How the report files are written. Section <c>Reports</c>; the folder is <c>Import:ReportFolder</c> (<c>--out</c>).</summary>
internal sealed class ReportsOptions
{
    public const string Section = "Reports";

    /// <summary>
    /// Start the report CSVs (<c>results.csv</c>, <c>failed.csv</c>, <c>plan.csv</c>) with a UTF-8 byte order mark, so
    /// Excel on Windows opens them as UTF-8 (Fernández, not FernÃ¡ndez). Default <c>true</c>; <c>false</c> for tools
    /// that want bare UTF-8.
    /// </summary>
    public bool ExcelBom { get; set; } = true;

    /// <summary>
    /// The most result lines a run writes <c>results.xlsx</c> for. Default 100,000: a workbook costs about 1.5 s per
    /// 100,000 lines, so a million-row validate would take five times as long with one (and Excel is slow with it);
    /// above this, results.csv (with its byte order mark) is the file to open. At most a worksheet's 1,048,575.
    /// </summary>
    public int WorkbookMaxRows { get; set; } = 100_000;
}
