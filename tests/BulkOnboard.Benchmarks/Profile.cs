using System.Diagnostics;
using BulkOnboard.Input;
using BulkOnboard.Validation;
using FluentValidation;

namespace BulkOnboard.Benchmarks;

/// <summary><c>child-profile FILE</c>: time each stage of validate on its own, to see where the time goes.</summary>
internal static class Profile
{
    public static void Run(string path, string? mappingPath = null)
    {
        var mapping = mappingPath is null ? null : MappingFile.Load(mappingPath);
        var stopwatch = Stopwatch.StartNew();
        using (var table = InputTable.Open(path, new HeaderMatcher(), null, mapping, CancellationToken.None))
        {
            Console.WriteLine($"read + cells      : {table.DataRows().Count():N0} rows in {stopwatch.Elapsed.TotalSeconds:0.00} s");
        }

        using (var table3 = InputTable.Open(path, new HeaderMatcher(), null, mapping, CancellationToken.None))
        {
            var v = new RowValidator(table3.Columns, new ImportDefaults(null, "standard", "Welcome"));
            stopwatch.Restart();
            var results = new List<BulkOnboard.Reporting.RowResult>(1_000_000);
            var chunk = Stopwatch.StartNew();
            foreach (var record in table3.DataRows())
            {
                if (results.Count % 100_000 == 0 && results.Count > 0)
                {
                    Console.WriteLine($"  {results.Count:N0}: {100_000 / chunk.Elapsed.TotalSeconds:N0} rows/s, gc0 {GC.CollectionCount(0)} gc1 {GC.CollectionCount(1)} gc2 {GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalSeconds:0.00} s");
                    chunk.Restart();
                }

                var row = v.Validate(record);
                results.Add(new BulkOnboard.Reporting.RowResult(row.Record, row.Kind, row.Email, row.IsValid ? BulkOnboard.Validation.Outcome.Valid : BulkOnboard.Validation.Outcome.Invalid));
            }

            Console.WriteLine($"read+validate all : {results.Count / stopwatch.Elapsed.TotalSeconds:N0} rows/s, peak {Measure.PeakWorkingSetMb():0} MB");
            var paths = BulkOnboard.Reporting.ReportPaths.Create(Path.Combine(Path.GetTempPath(), "prof-reports"), path, DateTimeOffset.Now);
            stopwatch.Restart();
            using (var report = new BulkOnboard.Reporting.ResultsReport(paths, table3.Columns.HeaderCells))
            {
                foreach (var result in results)
                {
                    report.Write(result);
                }
            }

            Console.WriteLine($"write results     : {results.Count / stopwatch.Elapsed.TotalSeconds:N0} rows/s");
        }

        using var table2 = InputTable.Open(path, new HeaderMatcher(), null, mapping, CancellationToken.None);
        var records = table2.DataRows().Take(300_000).ToList();
        var validator = new RowValidator(table2.Columns, new ImportDefaults(null, "standard", "Welcome"));
        stopwatch.Restart();
        foreach (var record in records)
        {
            validator.Validate(record);
        }

        Console.WriteLine($"RowValidator      : {records.Count / stopwatch.Elapsed.TotalSeconds:N0} rows/s");
        stopwatch.Restart();
        var emails = records.Select(r => table2.Columns.Get(r.Cells, Field.Email)!).ToList();
        var ok = 0;
        foreach (var email in emails)
        {
            ok += EmailAddress.IsValid(email) ? 1 : 0;
        }

        Console.WriteLine($"EmailAddress      : {emails.Count / stopwatch.Elapsed.TotalSeconds:N0} per s");

        var guests = new GuestValidator(table2.Columns);
        var draft = new PersonDraft { Kind = PersonKind.Guest, Email = "a@example.com", FirstName = "Ann", LastName = "Lee", CompanyName = "Contoso", Phone1 = "+49 151 1234", Timezone = "Europe/Paris" };
        stopwatch.Restart();
        for (var i = 0; i < 300_000; i++)
        {
            guests.Validate(draft);
        }

        Console.WriteLine($"FluentValidation  : {300_000 / stopwatch.Elapsed.TotalSeconds:N0} per s (guest, 6 rules)");
        var empty = new InlineValidator<PersonDraft>();
        stopwatch.Restart();
        for (var i = 0; i < 300_000; i++)
        {
            empty.Validate(draft);
        }

        Console.WriteLine($"FluentValidation  : {300_000 / stopwatch.Elapsed.TotalSeconds:N0} per s (no rules)");
        for (var round = 0; round < 2; round++)
        {
            validator = new RowValidator(table2.Columns, new ImportDefaults(null, "standard", "Welcome"));
            stopwatch.Restart();
            foreach (var record in records)
            {
                validator.Validate(record);
            }

            Console.WriteLine($"RowValidator warm : {records.Count / stopwatch.Elapsed.TotalSeconds:N0} rows/s");
        }
    }
}
