using System.Diagnostics;
using System.Globalization;
using System.Text;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using BulkOnboard.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Benchmarks;

/// <summary>
/// <c>input [rows]</c>: validate on a generated CSV, next to a bare CsvHelper read (the ceiling).
/// <c>xlsx [rows]</c>: validate on a generated workbook.
/// <c>input-mapping [rows]</c>: validate a Workday-style CSV through a mapping file (columns, value maps, defaults, filters).
/// </summary>
internal static class BenchmarkCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "input":
                return InputBenchmark(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000);
            case "input-mapping":
                return MappingBenchmark(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000);
            case "xlsx":
                return XlsxBenchmark(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000);
            case "child-validate":
                await ChildValidateAsync(args[1], args.Length > 2 ? args[2] : null);
                return 0;
            case "journal":
                return await JournalBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000);
            case "delivery":
                return await DeliveryBenchmark.RunAsync(args.Length > 1 ? args[1] : "ABCDF");
            case "child-http-floor":
                await DeliveryBenchmark.ChildHttpFloorAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
                return 0;
            case "preflight":
                return await PreflightBenchmark.RunAsync();
            case "watch-memory":
                return await WatchMemoryBenchmark.RunAsync();
            case "child-profile":
                Profile.Run(args[1], args.Length > 2 ? args[2] : null);
                return 0;
            case "child-bare":
                ChildBareRead(args[1]);
                return 0;
            default:
                Console.Error.WriteLine("usage: BulkOnboard.Benchmarks input [rows] | input-mapping [rows] | xlsx [rows] | journal [rows] | watch-memory | preflight | delivery");
                return 1;
        }
    }

    private static int InputBenchmark(int rows)
    {
        var folder = Directory.CreateTempSubdirectory("bulkonboard-bench-");
        var path = Path.Combine(folder.FullName, "people.csv");
        var stopwatch = Stopwatch.StartNew();
        GenerateCsv(path, rows);
        Console.WriteLine($"generated {rows:N0} rows, {new FileInfo(path).Length / 1024.0 / 1024.0:0.0} MB, in {stopwatch.Elapsed.TotalSeconds:0.0} s");

        Console.WriteLine($"bare CsvHelper read : {Measure.Child("child-bare", path).Trim()}");
        Console.WriteLine($"bulkonboard validate: {Measure.Child("child-validate", path).Trim()}");
        folder.Delete(recursive: true);
        return 0;
    }

    private static int MappingBenchmark(int rows)
    {
        var folder = Directory.CreateTempSubdirectory("bulkonboard-bench-");
        var path = Path.Combine(folder.FullName, "workday.csv");
        var mapping = Path.Combine(folder.FullName, "workday.yaml");
        File.WriteAllText(mapping, """
            columns:
              email: Email - Work
              first_name: Legal Name - First Name
              last_name: Legal Name - Last Name
              role: Management Level
            values:
              kind: { Regular: member, Contingent Worker: guest, Temp Agency: guest }
              role: { People Manager: admin, Individual Contributor: standard }
            defaults:
              company_name: Contoso Ltd
              message: Welcome to Tallyfy
            include:
              - column: Employment Status
                equals: [Active, On Leave]
            exclude:
              - column: Email - Work
                matches: '@test\.'
            """);
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
        {
            writer.Write("Employee ID,Legal Name - First Name,Legal Name - Last Name,Email - Work,Email - Home,Worker Type,Employment Status,Management Level,Cost Center\n");
            string[] statuses = ["Active", "Active", "Active", "On Leave", "Terminated"];
            string[] types = ["Regular", "Regular", "Contingent Worker", "Temp Agency"];
            for (var i = 0; i < rows; i++)
            {
                writer.Write($"W{i},First{i},Müller-{i % 97},person{i}@{(i % 500 == 3 ? "test" : "example")}.com,home{i}@mail.example,{types[i % types.Length]},{statuses[i % statuses.Length]},{(i % 10 == 0 ? "People Manager" : "Individual Contributor")},CC{i % 40}\n");
            }
        }

        Console.WriteLine($"generated {rows:N0} Workday-style rows, {new FileInfo(path).Length / 1024.0 / 1024.0:0.0} MB, and a mapping file");
        Console.WriteLine($"bulkonboard validate (no mapping): {Measure.Child("child-validate", path).Trim()}");
        Console.WriteLine($"bulkonboard validate --mapping  : {Measure.Child("child-validate", path, mapping).Trim()}");
        folder.Delete(recursive: true);
        return 0;
    }

    private static int XlsxBenchmark(int rows)
    {
        var folder = Directory.CreateTempSubdirectory("bulkonboard-bench-");
        var path = Path.Combine(folder.FullName, "people.xlsx");
        var builder = new WorkbookBuilder();
        var table = new List<object?[]?> { new object?[] { "Email", "First Name", "Last Name", "Company", "Mobile", "Type", "Start Date" } };
        for (var i = 0; i < rows; i++)
        {
            table.Add([$"person{i}@example.com", $"First{i}", $"Last{i}", $"Company {i % 500}", 4915100000000d + i, i % 4 == 0 ? "member" : "guest", new DateTime(2026, 1, 1).AddDays(i % 365)]);
        }

        builder.Sheet("People", [.. table]).Save(path);
        Console.WriteLine($"generated {rows:N0}-row workbook, {new FileInfo(path).Length / 1024.0 / 1024.0:0.0} MB");
        Console.WriteLine($"bulkonboard validate: {Measure.Child("child-validate", path).Trim()}");
        folder.Delete(recursive: true);
        return 0;
    }

    private static async Task ChildValidateAsync(string path, string? mapping)
    {
        var import = Options.Create(new ImportOptions { DefaultRole = "standard", InviteMessage = "Welcome", ReportFolder = Path.Combine(Path.GetDirectoryName(path)!, "reports"), Mapping = mapping });
        var runner = new ImportRunner(import, Options.Create(new DeliveryOptions()), TimeProvider.System, NullLogger<ImportRunner>.Instance);
        var stopwatch = Stopwatch.StartNew();
        using var reads = InputReads.Start();
        var summary = await runner.RunAsync(new RunRequest(path, RunMode.Validate), null, NullRunObserver.Instance, CancellationToken.None);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"{summary.Total:N0} rows ({summary.Valid:N0} valid, {summary.Invalid:N0} invalid, {summary.SkippedReasons.GetValueOrDefault("filtered"):N0} filtered) in {seconds:0.00} s = {summary.Total / seconds:N0} rows/s, peak working set {Measure.PeakWorkingSetMb():0} MB (GC heap {gc.HeapSizeBytes / 1048576.0:0} MB, committed {gc.TotalCommittedBytes / 1048576.0:0} MB, {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} collections); the file read {reads.TimesRead(new FileInfo(path).Length):0.0} times ({reads.Opens} opens)");
    }

    private static void ChildBareRead(string path)
    {
        var stopwatch = Stopwatch.StartNew();
        long rows = 0;
        long characters = 0;
        using (var reader = CsvHelper.CsvReader.FromFile(path))
        {
            foreach (var row in reader)
            {
                rows++;
                characters += row.FieldCount;
            }
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"{rows:N0} rows in {seconds:0.00} s = {rows / seconds:N0} rows/s, peak working set {Measure.PeakWorkingSetMb():0} MB");
    }

    private static void GenerateCsv(string path, int rows)
    {
        string[] zones = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Africa/Lagos", ""];
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("Email,First Name,Last Name,Company,Phone,Type,Time Zone,Role\n");
        var line = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            line.Clear();
            // One row in a thousand is invalid, as in a real dump.
            line.Append(i % 1000 == 7 ? $"person{i}-at-example.com" : $"person{i}@example.com").Append(',')
                .Append("First").Append(i).Append(",Müller-").Append(i % 97).Append(',')
                .Append(i % 3 == 0 ? "\"Fabrikam, Inc.\"" : "Contoso").Append(",+49 151 ").Append(10000000 + i).Append(',')
                .Append(i % 4 == 0 ? "member" : "guest").Append(',').Append(zones[i % zones.Length]).Append(",standard\n");
            writer.Write(line);
        }
    }
}
