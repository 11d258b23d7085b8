using System.CommandLine;
using BulkOnboard.Cli.Hosting;
using BulkOnboard.Journal;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace BulkOnboard.Cli.Commands;

/// <summary><c>bulkonboard history</c>: recent runs, or what happened to one person (<c>--email</c>).</summary>
internal static partial class HistoryCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var email = new Option<string?>("--email") { Description = "Show what the journal holds for this person: outcome, when, which run, which file" };
        var limit = NumberOptions.Whole("--limit", "How many recent runs to list, up to 100000 (default 20)", 1, 100_000, defaultValue: 20);
        var config = new Option<string?>("--config") { Description = "Extra JSON settings file" };
        var format = OutputOption.Create("the runs or the person's record");
        var sandbox = new Option<bool>("--sandbox") { Description = "Read the journal the --sandbox trials keep (in the temporary folder), not the real one" };
        var command = new Command("history", "List recent runs from the journal (each with the organization and endpoint it used), or answer \"was this person invited, when, by which run?\".")
        {
            email, limit, config, format, sandbox,
        };
        command.SetAction((parse, cancellationToken) => CommandHost.ExecuteAsync<CommandHost>(
            environment,
            () => CommandHost.BuildAsync(environment, parse.GetValue(config), [], useSandbox: false, sendsRequests: false, Serilog.Events.LogEventLevel.Warning, cancellationToken,
                configure: builder =>
                {
                    if (parse.GetValue(sandbox) && InProcessSandbox.TrialJournalFor(builder.Configuration, new Dictionary<string, string?>()) is { } trial)
                    {
                        builder.Configuration.AddInMemoryCollection([new("Journal:Path", trial)]);
                    }
                },
                onlyReports: true),
            host =>
            {
                var path = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<JournalOptions>>().Value.ResolvePath();
                var console = environment.CreateConsole();
                var json = parse.IsJson(format);
                if (!File.Exists(path) && !json)
                {
                    // No journal yet is an answer, not a failure: nothing has been run with it.
                    environment.Out.WriteLine(BulkOnboard.Input.SafeText.Of($"No runs yet: the journal {path} is made by the first import or sync."
                        + (!parse.GetValue(sandbox) && File.Exists(InProcessSandbox.TrialJournal) ? " The --sandbox trials keep their own: bulkonboard history --sandbox." : string.Empty)));
                    return Task.FromResult(ExitCodes.Success);
                }

                if (parse.GetValue(email) is { } address)
                {
                    if (json)
                    {
                        OutputOption.Write(environment.Out, PersonJson(path, address));
                        return Task.FromResult(ExitCodes.Success);
                    }

                    return Task.FromResult(ShowPerson(console, path, address));
                }

                if (json)
                {
                    OutputOption.Write(environment.Out, RunsJson(path, parse.GetValue(limit)));
                }
                else
                {
                    ShowRuns(console, path, parse.GetValue(limit));
                }

                return Task.FromResult(ExitCodes.Success);
            },
            command: "history"));
        return command;
    }

    private static int ShowPerson(IAnsiConsole console, string path, string email)
    {
        var records = JournalHistory.FindPerson(path, email);
        var actions = JournalHistory.SyncActions(path, email);
        if (records.Count == 0 && actions.Count == 0 && JournalHistory.PendingDue(path, email).Count == 0)
        {
            console.WriteLine(BulkOnboard.Input.SafeText.Of($"{email}: not in the journal {path} (no import has sent this person)."));
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in new[] { "organization", "kind", "state", "outcome", "when", "run", "file", "row", "tallyfy id" })
        {
            table.AddColumn(column);
        }

        foreach (var r in records)
        {
            table.AddRow(Organization(r.Target), r.Kind, r.State, Terminal.ConsoleText.Escape(r.Outcome ?? string.Empty), When(r.UpdatedAt), r.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Terminal.ConsoleText.Escape(r.FileName), r.RowNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, Terminal.ConsoleText.Escape(r.TallyfyId ?? string.Empty));
        }

        console.Write(table);
        foreach (var claim in JournalHistory.Provenance(path, email))
        {
            console.WriteLine(BulkOnboard.Input.SafeText.Of($"{claim.Kind} {email}: onboarded by BulkOnboard ({claim.How}) in run {claim.RunId} from {claim.FileName}, {When(claim.At)}; {OnePlace(claim.Target)}"));
        }

        foreach (var launch in JournalHistory.Journeys(path, email))
        {
            var what = launch.State switch
            {
                "done" => $"{launch.Outcome}, process {launch.ProcessId}",
                "in_flight" => "sent without an answer yet: the next run looks for the process before sending again",
                _ => $"not launched ({launch.Outcome})",
            };
            console.WriteLine(BulkOnboard.Input.SafeText.Of($"{email}: journey {launch.Journey}: {what} (run {launch.RunId}, {When(launch.At)}); {OnePlace(launch.Target)}"));
        }

        foreach (var (target, kind, action, dueLocal, source) in JournalHistory.PendingDue(path, email))
        {
            console.WriteLine(BulkOnboard.Input.SafeText.Of($"{kind} {email}: scheduled: {action} due {dueLocal} (from {source}); {OnePlace(target)}"));
        }

        if (records.Count > 0 && JournalHistory.Provenance(path, email).Count == 0)
        {
            console.WriteLine($"{email}: not onboarded by BulkOnboard (it did not create or invite this person): sync never removes them unless Sync:ManageExisting is true");
        }

        if (actions.Count > 0)
        {
            var syncTable = new Table().Border(TableBorder.Rounded).Title("sync actions (leavers, and undos)");
            foreach (var column in new[] { "when", "run", "action", "outcome", "kind", "roster", "organization" })
            {
                syncTable.AddColumn(column);
            }

            foreach (var a in actions)
            {
                syncTable.AddRow(When(a.At), a.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture), a.Action, a.Outcome, a.Kind,
                    Terminal.ConsoleText.Escape(a.Roster ?? string.Empty), Organization(a.Target));
            }

            console.Write(syncTable);
        }

        return ExitCodes.Success;
    }

    private static void ShowRuns(IAnsiConsole console, string path, int limit)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"runs in {Terminal.ConsoleText.Escape(path)}");
        foreach (var column in new[] { "run", "started", "file", "organization", "total", "created", "invited", "skipped", "invalid", "failed", "not attempted", "exit" })
        {
            table.AddColumn(column);
        }

        foreach (var run in JournalHistory.RecentRuns(path, limit))
        {
            static string N(int? n) => n?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
            table.AddRow(run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) + (run.Forced ? " (forced)" : string.Empty), When(run.StartedAt),
                Terminal.ConsoleText.Escape(Path.GetFileName(run.FileName)), Organization(run.Target), N(run.Total), N(run.Created), N(run.Invited), N(run.Skipped), N(run.Invalid), N(run.Failed),
                N(run.NotAttempted), run.EndedAt is null ? "did not finish" : N(run.ExitCode));
        }

        console.Write(table);
    }

    /// <summary>A table cell: the organization id over its endpoint (never a secret: <see cref="RunJournal.Describe"/>).</summary>
    private static string Organization(string target)
    {
        var (organization, endpoint) = RunJournal.Describe(target);
        return $"{Terminal.ConsoleText.Escape(organization)}\n[dim]{Terminal.ConsoleText.Escape(endpoint)}[/]";
    }

    private static string OnePlace(string target)
    {
        var (organization, endpoint) = RunJournal.Describe(target);
        return $"organization {organization} at {endpoint}";
    }

    private static string When(string stamp) =>
        DateTimeOffset.TryParse(stamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at)
            ? at.ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture)
            : stamp;
}
