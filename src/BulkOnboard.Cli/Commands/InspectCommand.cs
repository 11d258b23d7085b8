using System.CommandLine;
using BulkOnboard.Cli.Hosting;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Reporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog.Events;

namespace BulkOnboard.Cli.Commands;

/// <summary><c>bulkonboard inspect &lt;file&gt; [--mapping F]</c>: how each column is understood, with sample values; sends nothing.</summary>
internal static class InspectCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = new Argument<string>("file") { Description = "CSV (.csv, .tsv, .txt) or Excel (.xlsx, .xls) file of people; or a source: - (standard input), https://..., sftp://user@host[:port]/path, or a named source (Sources:<name>)" };
        var options = new CommonOptions();
        var format = OutputOption.Create("what was found");
        var command = new Command("inspect", "Show how a file is understood: dialect, header row, each column's field with sample values, how the kind is decided, and what the mapping's filters leave out. Sends nothing.");
        command.Add(file);
        command.Add(format);
        options.AddTo(command, sends: false, withOut: false);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var host = await CommandHost.BuildAsync(environment, parse.GetValue(options.Config), options.ToSettings(parse), useSandbox: false,
                    sendsRequests: false, LogEventLevel.Warning, cancellationToken, onlyReports: true);
                var import = host.Services.GetRequiredService<IOptions<ImportOptions>>().Value;
                using var source = await host.Services.GetRequiredService<BulkOnboard.Pipeline.SourceStage>().OpenAsync(parse.GetValue(file)!, sends: false, force: false, cancellationToken);
                using var table = import.OpenInputUntil(source.Path, cancellationToken);
                var shown = source.Fetched is null ? Path.GetFullPath(source.Path) : source.Source.Display;
                var journeys = host.Services.GetRequiredService<IOptions<JourneysOptions>>().Value.Journeys;
                var values = new BulkOnboard.Pipeline.JourneyValues(table.Columns, dates: null);
                var choice = journeys.Count == 0 ? null : new BulkOnboard.Plan.JourneyChoice(journeys);
                var inspection = InputInspection.Of(table, import.ToDefaults(), choice is null ? null : (cells, kind) => choice.For(kind, values.Of(cells))?.Name);
                if (parse.IsJson(format))
                {
                    OutputOption.Write(environment.Out, Json(shown, inspection));
                }
                else
                {
                    Write(environment.Out, shown, inspection);
                }

                return ExitCodes.Success;
            }
            catch (BulkOnboard.Input.Sources.SourceRefusedException ex)
            {
                environment.WriteError(ex.Message);
                return ExitCodes.SourceRefused;
            }
            catch (Exception ex) when (CliHost.DescribeSetupFailure(ex) is { } message)
            {
                environment.WriteError(message);
                return ExitCodes.NothingSent;
            }
        });
        return command;
    }

    private static void Write(TextWriter output, string path, InputInspection inspection)
    {
        output.WriteLine(BulkOnboard.Input.SafeText.Of($"File: {path}"));
        output.WriteLine(BulkOnboard.Input.SafeText.Of($"Format: {inspection.Format}"));
        output.WriteLine(BulkOnboard.Input.SafeText.Of($"Header: row {inspection.HeaderRow}"));
        output.WriteLine(BulkOnboard.Input.SafeText.Of($"Mapping file: {inspection.MappingPath ?? "none"}"));
        output.WriteLine();
        output.WriteLine("Columns (header -> field, first values):");
        var width = Math.Min(40, inspection.Columns.Max(c => c.Header.Length));
        var fieldWidth = inspection.Columns.Max(c => FieldText(c).Length);
        foreach (var column in inspection.Columns)
        {
            output.WriteLine(BulkOnboard.Input.SafeText.Of($"  {column.Header.PadRight(width)}  -> {FieldText(column).PadRight(fieldWidth)}  {string.Join(", ", column.Samples)}".TrimEnd()));
            if (column.ValueMap is { } map)
            {
                output.WriteLine(BulkOnboard.Input.SafeText.Of($"  {string.Empty.PadRight(width)}     values: {map}"));
            }
        }

        if (inspection.Defaults.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Defaults:");
            foreach (var (field, value, from) in inspection.Defaults)
            {
                output.WriteLine(BulkOnboard.Input.SafeText.Of($"  {field}: {value} ({from})"));
            }
        }

        output.WriteLine();
        var kinds = string.Join(", ", inspection.Kinds.Select(k => $"{k.Value} -> {k.Kind} {k.Rows}"));
        output.WriteLine(BulkOnboard.Input.SafeText.Of($"Kind: {inspection.KindSource}{(kinds.Length > 0 ? $"; rows kept: {kinds}" : string.Empty)}"));
        if (inspection.Filters.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Filters (a row must meet every include and no exclude; each row is counted under the first rule that leaves it out):");
            foreach (var (rule, leftOut) in inspection.Filters)
            {
                output.WriteLine(BulkOnboard.Input.SafeText.Of($"  {rule.Describe()}: leaves out {leftOut} rows"));
            }
        }

        if (inspection.Journeys is { } journeys)
        {
            output.WriteLine();
            output.WriteLine(BulkOnboard.Input.SafeText.Of($"Journeys (kept rows by the onboarding journey each would get): {string.Join(", ", journeys.Select(j => $"{j.Journey} {j.Rows}"))}"));
        }

        output.WriteLine();
        output.WriteLine(BulkOnboard.Input.SafeText.Of($"Rows: {inspection.Rows} data rows: {inspection.Kept} kept, {inspection.Rows - inspection.Kept} left out by filters"));
        output.WriteLine("Nothing was sent.");
    }

    /// <summary>What the text shows, as one JSON document: the same words, in fields.</summary>
    private static object Json(string path, InputInspection inspection) => new
    {
        File = path,
        inspection.Format,
        inspection.HeaderRow,
        MappingFile = inspection.MappingPath,
        Columns = inspection.Columns.Select(c => new { c.Header, c.Field, c.How, c.Samples, Values = c.ValueMap }),
        Defaults = inspection.Defaults.Select(d => new { d.Field, d.Value, d.From }),
        Kind = inspection.KindSource,
        Kinds = inspection.Kinds.Select(k => new { k.Value, k.Kind, k.Rows }),
        Journeys = inspection.Journeys?.Select(j => new { j.Journey, j.Rows }),
        Filters = inspection.Filters.Select(f => new { Rule = f.Rule.Describe(), LeavesOut = f.LeftOut }),
        inspection.Rows,
        inspection.Kept,
    };

    private static string FieldText(InspectedColumn column) =>
        column.Field is null ? column.How ?? "(not used)" : column.How is null ? column.Field : $"{column.Field} {column.How}";
}
