using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Reporting;

/// <summary>A row to fix (invalid, failed, not attempted) as the HTML report lists it: <c>results.csv</c>'s words.</summary>
internal sealed record ProblemRow(int? Row, string Kind, string Email, string Outcome, string Reason, string Message)
{
    public static ProblemRow Of(RowResult result) =>
        new(result.RowNumber > 0 ? result.RowNumber : null, result.Kind?.ToWord() ?? string.Empty, result.Email, result.Outcome.ToReportWord(), result.Reason ?? string.Empty, result.Message ?? string.Empty);

    /// <summary>
    /// The rows to fix in a finished, ordered <c>results.csv</c> (<see cref="ResultsReport.Columns"/>), read one at a
    /// time: the rows <c>failed.csv</c> holds, in the same order.
    /// </summary>
    public static IEnumerable<ProblemRow> FromResults(string resultsCsv)
    {
        var attention = Enum.GetValues<Validation.Outcome>().Where(o => o.NeedsAttention()).Select(o => o.ToReportWord()).ToHashSet(StringComparer.Ordinal);
        using var csv = CsvHelper.CsvReader.Create(File.OpenRead(resultsCsv), new CsvHelper.CsvReaderOptions { HasHeader = true });
        while (csv.Read())
        {
            var line = csv.Current.ToArray();
            if (line.Length >= 9 && attention.Contains(line[3]))
            {
                yield return new ProblemRow(int.TryParse(line[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var row) ? row : null,
                    line[1], ResultsWorkbook.Unescaped(line[2]), line[3], line[4], ResultsWorkbook.Unescaped(line[8]));
            }
        }
    }
}
