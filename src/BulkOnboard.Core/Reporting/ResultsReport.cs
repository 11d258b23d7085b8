using BulkOnboard.Input;
using BulkOnboard.Storage;
using BulkOnboard.Validation;
using CsvHelper;

namespace BulkOnboard.Reporting;

/// <summary>Where a run's rows are written as they finish (<see cref="ResultsReport"/>).</summary>
internal interface IRowReport : IDisposable
{
    void Write(RowResult result);

    void Flush();
}

/// <summary>
/// Writes <c>results.csv</c> (every row, in input order) and <c>failed.csv</c> (the rows to fix, with
/// the user's own columns plus <c>error</c>, ready to be fed back in) as results arrive.
/// </summary>
internal sealed class ResultsReport : IRowReport
{
    public static readonly string[] Columns = ["row", "kind", "email", "outcome", "reason", "http_status", "attempts", "tallyfy_id", "message", "request_id"];

    private const string ErrorColumn = "error";

    private readonly CsvWriter _results;
    private readonly CsvWriter _failed;
    private readonly ResultsWorkbook? _workbook;
    private readonly int _userColumns;

    public ResultsReport(ReportPaths paths, IReadOnlyList<string> userHeader)
    {
        _results = ReportCsv.Create(paths.Results);
        _results.WriteHeader(Columns);

        // A failed.csv fed back in already ends with "error": replace that column rather than add a second.
        _userColumns = userHeader.Count > 0 && userHeader[^1].Trim().Equals(ErrorColumn, StringComparison.OrdinalIgnoreCase)
            ? userHeader.Count - 1
            : userHeader.Count;
        _failed = ReportCsv.Create(paths.Failed);
        _failed.WriteHeader([.. userHeader.Take(_userColumns).Select(h => h ?? string.Empty), ErrorColumn]);
        _workbook = paths.ResultsWorkbook is { } workbook ? new ResultsWorkbook(workbook) : null;
    }

    /// <summary>Writes rows that have no input file behind them (an undo's, the dated actions'), counting each in <paramref name="counts"/>.</summary>
    public static void WriteAll(ReportPaths paths, IEnumerable<RowResult> results, OutcomeCounts counts)
    {
        using var report = new ResultsReport(paths, []);
        foreach (var result in results)
        {
            report.Write(result);
            counts.Add(result);
        }
    }

    public void Write(RowResult result)
    {
        // A sync's leaver is in no row of the roster: its row cell stays empty.
        if (result.RowNumber > 0)
        {
            _results.WriteField(result.RowNumber, default);
        }
        else
        {
            _results.WriteField(string.Empty);
        }

        _results.WriteField(result.Kind?.ToWord() ?? string.Empty);
        _results.WriteField(result.Email);
        _results.WriteField(result.Outcome.ToReportWord());
        _results.WriteField(result.Reason ?? string.Empty);
        _results.WriteField(result.HttpStatus, default);
        _results.WriteField(result.Attempts, default);
        _results.WriteField(result.TallyfyId ?? string.Empty);
        _results.WriteField(OneLine(result.Message));
        _results.WriteField(result.RequestId ?? string.Empty);
        _results.EndRecord();
        _workbook?.Write(result);

        if (result.Outcome.NeedsAttention())
        {
            var cells = result.Record.Cells;
            for (var i = 0; i < _userColumns; i++)
            {
                _failed.WriteField(i < cells.Length ? cells[i] : string.Empty);
            }

            _failed.WriteField(OneLine(result.Message) ?? result.Outcome.ToReportWord());
            _failed.EndRecord();
        }
    }

    public void Flush()
    {
        _results.Flush();
        _failed.Flush();
    }

    public void Dispose()
    {
        _results.Dispose();
        _failed.Dispose();
        _workbook?.Dispose();
    }

    private static string? OneLine(string? text) => text?.ReplaceLineEndings(" ");
}
