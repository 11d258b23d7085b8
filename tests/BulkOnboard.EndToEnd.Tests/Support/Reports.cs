using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.EndToEnd.Tests.Support;

/// <summary>One results.csv line, parsed.</summary>
public sealed record ResultLine(int Row, string Kind, string Email, string Outcome, string Reason, string HttpStatus, int Attempts, string TallyfyId, string Message, string RequestId = "",
    string FirstName = "", string LastName = "", string Journey = "", string JourneyOutcome = "", string ProcessId = "");

/// <summary>Reads the report files a run left in its output folder.</summary>
internal sealed class Reports(string folder)
{
    public string Folder { get; } = folder;

    public string ResultsPath => Single("*.results.csv");

    public string SummaryPath => Single("*.summary.json");

    public string FailedPath => Single("*.failed.csv");

    public string WorkbookPath => Single("*.results.xlsx");

    public RunSummary Summary => RunSummary.Read(SummaryPath);

    public IReadOnlyList<ResultLine> Results()
    {
        using var reader = CsvHelper.CsvReader.FromFile(ResultsPath);
        var lines = new List<ResultLine>();
        foreach (var row in reader)
        {
            var c = row.ToArray();
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            lines.Add(new ResultLine(c[0].Length == 0 ? 0 : int.Parse(c[0], invariant), c[1], c[2], c[3], c[4], c[5], int.Parse(c[6], invariant), c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14]));
        }

        Assert.That(reader.Headers, Is.EqualTo(ResultsReport.Columns));
        return lines;
    }

    private string Single(string pattern)
    {
        var files = Directory.Exists(Folder) ? Directory.GetFiles(Folder, pattern) : [];
        Assert.That(files, Has.Length.EqualTo(1), $"one {pattern} in {Folder}");
        return files[0];
    }
}
