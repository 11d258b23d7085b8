using BulkOnboard.Input;
using BulkOnboard.Storage;
using BulkOnboard.Validation;
using CsvHelper;

namespace BulkOnboard.Reporting;

/// <summary>Where a run's rows are written as they finish (<see cref="ResultsReport"/>).</summary>
internal interface IRowReport : IDisposable
{
    /// <summary>Writes a result as it settles; <paramref name="order"/> is its place in the report (its input row's sequence), else after every row.</summary>
    void Write(RowResult result, long? order = null);

    /// <inheritdoc cref="ResultsReport.Rewrite"/>
    void Rewrite(RowResult result, long order);

    void Flush();
}

/// <summary>
/// Writes <c>results.csv</c> (every row) and <c>failed.csv</c> (the rows to fix, with the user's own
/// columns plus <c>error</c>, ready to be fed back in) as results settle, whatever their order: a run
/// stopped at any moment (even killed) leaves a line for everything that settled. At the end both are put
/// in input order (<see cref="CsvRecordOrder"/>); lines that belong to no input row (a leaver, a dated
/// action) follow the rows, in the order they settled. <c>results.xlsx</c> is written from the ordered
/// results once the run's summary is known (<see cref="ReportFiles.Finish"/>).
/// </summary>
internal sealed class ResultsReport : IRowReport
{
    /// <summary>PRODUCT.md's columns, then the person's names and their onboarding journey (added later: appended, never in between).</summary>
    public static readonly string[] Columns = ["row", "kind", "email", "outcome", "reason", "http_status", "attempts", "tallyfy_id", "message", "request_id", "first_name", "last_name",
        "journey", "journey_outcome", "process_id"];

    private const string ErrorColumn = "error";

    // After every input row: lines that belong to none keep the order they settled in.
    private const long AfterRows = 1L << 62;

    private readonly ReportPaths _paths;
    private readonly CsvWriter _results;
    private readonly CsvWriter _failed;
    private readonly List<long> _resultOrder = [];
    private readonly List<long> _failedOrder = [];
    private readonly HashSet<long> _noLongerFailed = [];
    private readonly int _userColumns;
    private readonly ColumnMap _columns;
    private long _unordered = AfterRows;
    private bool _done;

    /// <param name="columns">The input's columns: failed.csv repeats them, and a row's names are read through them (its mapping's too).</param>
    public ResultsReport(ReportPaths paths, ColumnMap columns)
    {
        _paths = paths;
        _columns = columns;
        var userHeader = columns.HeaderCells;
        _results = ReportCsv.Create(paths.Results, paths.Bom);
        _results.WriteHeader(Columns);

        // A failed.csv fed back in already ends with "error": replace that column rather than add a second.
        _userColumns = userHeader.Count > 0 && userHeader[^1].Trim().Equals(ErrorColumn, StringComparison.OrdinalIgnoreCase)
            ? userHeader.Count - 1
            : userHeader.Count;
        _failed = ReportCsv.Create(paths.Failed, paths.Bom);
        _failed.WriteHeader([.. userHeader.Take(_userColumns).Select(h => h ?? string.Empty), ErrorColumn]);
    }

    /// <summary>A report for input with this header, its fields found by the built-in header names.</summary>
    public ResultsReport(ReportPaths paths, IReadOnlyList<string> userHeader)
        : this(paths, ColumnMap.Create([.. userHeader], 1, new HeaderMatcher()))
    {
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

    public void Write(RowResult result, long? order = null)
    {
        var key = order ?? _unordered++;
        _resultOrder.Add(key);
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

        // The row's own names (as its mapping reads them); a line of no row carries what its run knew.
        var (first, last) = result.RowNumber > 0
            ? (_columns.Get(result.Record.Cells, Field.FirstName), _columns.Get(result.Record.Cells, Field.LastName))
            : (result.FirstName, result.LastName);
        _results.WriteField(first ?? string.Empty);
        _results.WriteField(last ?? string.Empty);
        _results.WriteField(result.Journey ?? string.Empty);
        _results.WriteField(result.JourneyOutcome ?? string.Empty);
        _results.WriteField(result.ProcessId ?? string.Empty);
        _results.EndRecord();

        if (result.Outcome.NeedsAttention())
        {
            _failedOrder.Add(key);
            var cells = result.Record.Cells;
            for (var i = 0; i < _userColumns; i++)
            {
                _failed.WriteField(i < cells.Length ? cells[i] : string.Empty);
            }

            _failed.WriteField(OneLine(result.Message) ?? result.Outcome.ToReportWord());
            _failed.EndRecord();
        }
    }

    /// <summary>
    /// Writes the line of <paramref name="order"/> again, once more is known (a sync's follow-ups): at the end it
    /// replaces the one written before, in results.csv and failed.csv alike.
    /// </summary>
    public void Rewrite(RowResult result, long order)
    {
        if (!result.Outcome.NeedsAttention() && _failedOrder.Contains(order))
        {
            _noLongerFailed.Add(order);
        }
        else
        {
            _noLongerFailed.Remove(order);
        }

        Write(result, order);
    }

    public void Flush()
    {
        _results.Flush();
        _failed.Flush();
    }

    /// <summary>Closes the files and puts them in order.</summary>
    public void Dispose()
    {
        _results.Dispose();
        _failed.Dispose();
        if (_done)
        {
            return;
        }

        _done = true;
        CsvRecordOrder.Sort(_paths.Results, _resultOrder);
        CsvRecordOrder.Sort(_paths.Failed, _failedOrder, _noLongerFailed);
    }

    private static string? OneLine(string? text) => text?.ReplaceLineEndings(" ");
}
