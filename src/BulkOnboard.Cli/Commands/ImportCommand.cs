using System.CommandLine;
using BulkOnboard.Pipeline;

namespace BulkOnboard.Cli.Commands;

/// <summary><c>bulkonboard import &lt;file&gt;</c> and <c>bulkonboard validate &lt;file&gt;</c>: the options and their settings keys.</summary>
internal static class ImportCommand
{
    public static Command Create(CliEnvironment environment, RunMode mode)
    {
        var file = new Argument<string>("file") { Description = "CSV (.csv, .tsv, .txt) or Excel (.xlsx, .xls) file of people, one per row" };
        var kind = new Option<string?>("--kind") { Description = "Kind of every row when the file has no kind column: guest or member [Import:DefaultKind]" };
        var output = new Option<string?>("--out") { Description = "Folder for the report files [Import:ReportFolder, default reports/]" };
        var sheet = new Option<string?>("--sheet") { Description = "Worksheet to read from a workbook [Import:Sheet, default the first]" };
        var config = new Option<string?>("--config") { Description = "Extra JSON settings file, ranked above appsettings.json and environment variables" };

        var command = mode == RunMode.Import
            ? new Command("import", "Validate every row, send the valid ones to Tallyfy, and write the reports.")
            : new Command("validate", "Validate every row without sending anything; same reports, with outcomes valid/invalid.");
        command.Add(file);
        command.Add(kind);
        command.Add(output);
        command.Add(sheet);
        command.Add(config);

        var sandbox = new Option<bool>("--sandbox") { Description = "Start the built-in sandbox API on a free loopback port and send there (no Tallyfy account needed)" };
        var rateLimit = new Option<int?>("--rate-limit") { Description = "Requests per minute, shared by all workers [Delivery:RequestsPerMinute, default 100]" };
        var concurrency = new Option<int?>("--concurrency") { Description = "Requests in flight at once [Delivery:MaxConcurrency, default 4]" };
        var tokenFile = new Option<string?>("--token-file") { Description = "File holding the access token (keeps it out of the process list)" };
        var force = new Option<bool>("--force") { Description = "Send rows again even when the journal says an earlier run did them [Import:Force]" };
        var onExisting = new Option<string?>("--on-existing") { Description = "A guest Tallyfy already has: skip it, or update its details (members are never updated) [Import:OnExisting, default skip]" };
        onExisting.AcceptOnlyFromAmong("skip", "update");
        var preflight = new Option<bool>("--preflight") { Description = "List the guests and members Tallyfy already has before sending, so they cost no create request [Import:Preflight]" };
        if (mode == RunMode.Import)
        {
            command.Add(sandbox);
            command.Add(rateLimit);
            command.Add(concurrency);
            command.Add(tokenFile);
            command.Add(force);
            command.Add(onExisting);
            command.Add(preflight);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var settings = new Dictionary<string, string?>();
            Put(settings, "Import:DefaultKind", parse.GetValue(kind));
            Put(settings, "Import:ReportFolder", parse.GetValue(output));
            Put(settings, "Import:Sheet", parse.GetValue(sheet));
            if (mode == RunMode.Import)
            {
                Put(settings, "Delivery:RequestsPerMinute", parse.GetValue(rateLimit)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Put(settings, "Delivery:MaxConcurrency", parse.GetValue(concurrency)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (parse.GetValue(force))
                {
                    settings["Import:Force"] = "true";
                }

                Put(settings, "Import:OnExisting", parse.GetValue(onExisting));
                if (parse.GetValue(preflight))
                {
                    settings["Import:Preflight"] = "true";
                }
                if (parse.GetValue(tokenFile) is { } path)
                {
                    // The file named on the command line wins over a token from settings.
                    settings["Tallyfy:AccessTokenFile"] = Path.GetFullPath(path);
                    settings["Tallyfy:AccessToken"] = string.Empty;
                }
            }

            var run = new ImportRun(environment, mode, parse.GetValue(file)!, parse.GetValue(config), mode == RunMode.Import && parse.GetValue(sandbox), settings);
            return run.ExecuteAsync(cancellationToken);
        });
        return command;
    }

    private static void Put(Dictionary<string, string?> settings, string key, string? value)
    {
        if (value is not null)
        {
            settings[key] = value;
        }
    }
}
