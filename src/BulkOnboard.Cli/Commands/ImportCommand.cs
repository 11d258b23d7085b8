using System.CommandLine;
using BulkOnboard.Pipeline;

namespace BulkOnboard.Cli.Commands;

/// <summary><c>bulkonboard import &lt;file&gt;</c> and <c>bulkonboard validate &lt;file&gt;</c>.</summary>
internal static class ImportCommand
{
    public static Command Create(CliEnvironment environment, RunMode mode)
    {
        var file = new Argument<string>("file") { Description = "CSV (.csv, .tsv, .txt) or Excel (.xlsx, .xls) file of people, one per row; or a source: - (standard input), https://..., sftp://user@host[:port]/path, or a named source (Sources:<name>)" };
        var options = new CommonOptions();
        var command = mode == RunMode.Import
            ? new Command("import", "Validate every row, send the valid ones to Tallyfy, and write the reports.")
            : new Command("validate", "Validate every row without sending anything; same reports, with outcomes valid/invalid.");
        command.Add(file);
        options.AddTo(command, sends: mode == RunMode.Import);

        command.SetAction((parse, cancellationToken) =>
        {
            var run = new ImportRun(environment, mode, parse.GetValue(file)!, parse.GetValue(options.Config),
                mode == RunMode.Import && parse.GetValue(options.Sandbox), options.ToSettings(parse));
            return run.ExecuteAsync(cancellationToken);
        });
        return command;
    }
}
