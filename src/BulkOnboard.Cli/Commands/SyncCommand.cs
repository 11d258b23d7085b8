using System.CommandLine;
using BulkOnboard.Cli.Hosting;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Pipeline;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using BulkOnboard.Input;

namespace BulkOnboard.Cli.Commands;

/// <summary>
/// <c>bulkonboard sync &lt;file&gt; [--plan | --yes] | --apply PLAN.json | --undo RUN</c>: the file is the
/// full roster; joiners, movers and leavers are planned, shown, guarded, applied and undoable.
/// </summary>
internal static class SyncCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = new Argument<string?>("file") { Description = "The full roster (CSV or Excel): everyone who should have access; or a source: - (standard input), https://..., sftp://user@host[:port]/path, or a named source (Sources:<name>)", Arity = ArgumentArity.ZeroOrOne };
        var plan = new Option<bool>("--plan") { Description = "Write the plan (plan.csv, plan.json) and send nothing (the default)" };
        var yes = new Option<bool>("--yes") { Description = "Plan and apply in one go, within the guards (for schedulers and the watched folder)" };
        var ask = new Option<bool>("--ask") { Description = "With --plan: ask for the plan's held changes in Tallyfy (one approval task for Sync:Approval:Approvers); --yes always asks when it holds changes" };
        var apply = new Option<string?>("--apply") { HelpName = "PLAN.json", Description = "Apply exactly this plan.json; refused if it is older than Sync:PlanMaxAge or the roster or Tallyfy changed" };
        var undo = new Option<long?>("--undo")
        {
            HelpName = "RUN",
            Description = "Re-enable the members run RUN deactivated, re-create the guests it removed, and put them back in their groups (RUN: run_id of its summary.json)",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0)
                {
                    return id;
                }

                result.AddError($"--undo: '{BulkOnboard.Input.SafeText.Of(text)}' is not a run id; give the run_id of a sync (a whole number: bulkonboard history lists the runs)");
                return null;
            },
        };
        var options = new CommonOptions();
        var command = new Command("sync", "Treat the file as the full roster: plan joiners (create, invite), movers (role, names, a guest's associated members, groups) and leavers (deactivate, remove) against Tallyfy, within the guards; apply the plan when told to (--yes, --apply), undo a run (--undo).")
        {
            file, plan, yes, ask, apply, undo,
        };
        options.AddTo(command, sends: true, importOnly: true);
        options.Force.Hidden = false;
        options.Force.Description = "Plan a roster from a source that is unchanged since its last run anyway (a sync never skips a person by the journal)";
        command.Validators.Add(result =>
        {
            // Presence, not value: a value that did not parse (--undo abc) has its own error, and GetValue would throw.
            var modes = new[] { result.GetValue(plan), result.GetValue(yes), result.GetValue(apply) is not null, result.GetResult(undo) is not null }.Count(m => m);
            if (modes > 1)
            {
                result.AddError("give one of --plan, --yes, --apply PLAN and --undo RUN");
            }
            else if (result.GetValue(file) is null && result.GetValue(apply) is null && result.GetResult(undo) is null)
            {
                result.AddError("sync needs the roster file (or --apply PLAN.json, or --undo RUN)");
            }
            else if (result.GetValue(file) is not null && (result.GetValue(apply) is not null || result.GetResult(undo) is not null))
            {
                result.AddError("--apply and --undo take no roster file: the plan names its roster, and an undo needs none");
            }
        });

        command.SetAction((parse, cancellationToken) => CommandHost.ExecuteAsync<SyncRunner>(
            environment,
            () => options.BuildSendingHostAsync(environment, parse, cancellationToken),
            async host =>
            {
                var services = host.Services;
                var journal = host.RequireJournal("sync", "it knows whom BulkOnboard onboarded, and what undo restores");
                var runner = services.GetRequiredService<SyncRunner>();
                var sender = services.GetRequiredService<RowSender>();
                var folder = services.GetRequiredService<IOptions<ImportOptions>>().Value.ReportFolder;
                var syncMode = parse.GetValue(apply) is not null ? SyncMode.Apply : parse.GetValue(yes) ? SyncMode.PlanAndApply : SyncMode.Plan;

                // A roster from a source (-, a URL, a named source) becomes a local file first, through its gates.
                using var source = parse.GetValue(file) is { } roster
                    ? await services.GetRequiredService<SourceStage>().OpenAsync(roster, sends: syncMode == SyncMode.PlanAndApply, force: parse.GetValue(options.Force), cancellationToken)
                    : null;
                if (source?.UnchangedSinceRun is { } unchanged)
                {
                    environment.Out.WriteLine(SafeText.Of($"{source.Source.Display} is unchanged since run {unchanged} (same SHA-256): nothing was sent; --force runs it again"));
                    return ExitCodes.Success;
                }

                // A plan made from a fetched roster names a copy kept beside its reports: --apply reads that very roster.
                var rosterPath = source?.Path;
                if (syncMode == SyncMode.Plan && source?.Fetched is not null)
                {
                    Storage.PrivateFiles.CreateFolder(folder);
                    rosterPath = Path.Combine(Path.GetFullPath(folder),
                        $"{Path.GetFileNameWithoutExtension(source.Path)}.{services.GetRequiredService<TimeProvider>().GetLocalNow():yyyyMMdd-HHmmss}.roster{Path.GetExtension(source.Path)}");
                    Storage.PrivateFiles.WriteAtomically(rosterPath, stream =>
                    {
                        using var fetched = File.OpenRead(source.Path);
                        fetched.CopyTo(stream);
                    });
                }

                var outcome = parse.GetValue(undo) is { } run
                    ? await services.GetRequiredService<SyncUndoRunner>().UndoAsync(run, journal, sender, folder, cancellationToken)
                    : await runner.RunAsync(syncMode, rosterPath, parse.GetValue(apply) is { } planPath ? Path.GetFullPath(planPath) : null, journal, sender, folder, cancellationToken,
                        ask: parse.GetValue(ask));
                source?.Finish(outcome.Summary);
                Write(environment, outcome);
                await services.GetRequiredService<RunNotifier>().NotifyAsync(RunReport.Of(outcome.Summary), CancellationToken.None);
                return outcome.Summary.ExitCode;
            },
            "sync"));
        return command;
    }

    private static void Write(CliEnvironment environment, SyncOutcome outcome)
    {
        var console = environment.CreateConsole();
        if (outcome.PlanJson.Length > 0)
        {
            var plan = PlanFile.Read(outcome.PlanJson);
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]sync plan[/] {Terminal.ConsoleText.Escape(Path.GetFileName(plan.RosterFile))}");
            table.AddColumn("action");
            table.AddColumn(new TableColumn("people").RightAligned());
            foreach (var (action, count) in plan.Counts.Where(c => c.Value > 0))
            {
                table.AddRow(Terminal.ConsoleText.Escape(action), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            console.Write(table);
            foreach (var guard in plan.Guards.Take(5))
            {
                console.MarkupLine($"[yellow]Guard:[/] {Terminal.ConsoleText.Escape(guard)}");
            }

            foreach (var (what, count) in plan.Calendar.GroupBy(c => System.Text.RegularExpressions.Regex.Replace(c, @"^(\w+) \S+ due ", "$1s due ")).Take(10).Select(g => (g.Key, g.Count())))
            {
                console.MarkupLine($"[blue]Scheduled:[/] {count} {Terminal.ConsoleText.Escape(what)}");
            }

            console.MarkupLine($"{plan.OutOfScope} people in Tallyfy but not in the roster are left alone (not onboarded by BulkOnboard, or deactivated; in the plan as unchanged, with why)");
            console.MarkupLine($"Plan: {Terminal.ConsoleText.Escape(outcome.PlanCsv)}");
            console.MarkupLine($"Plan for --apply: {Terminal.ConsoleText.Escape(outcome.PlanJson)} (run {outcome.Summary.RunId})");
            if (outcome.Summary.Reports is { } reports && File.Exists(reports.Html))
            {
                console.MarkupLine($"The plan to look at: {Terminal.ConsoleText.Escape(reports.Html)}");
            }
        }

        if (outcome.Summary.Command == "sync --plan")
        {
            console.MarkupLine("Nothing was sent. To apply: bulkonboard sync --apply " + Terminal.ConsoleText.Escape(outcome.PlanJson));
            console.MarkupLine($"Exit code {outcome.Summary.ExitCode}");
            return;
        }

        Terminal.SummaryTable.Write(console, outcome.Summary);
        if ((outcome.Summary.Deactivated ?? 0) + (outcome.Summary.Removed ?? 0) > 0 && outcome.Summary.Command != "sync --undo")
        {
            console.MarkupLine($"Run {outcome.Summary.RunId}: bulkonboard sync --undo {outcome.Summary.RunId} re-enables and re-creates the leavers it took away");
        }
    }
}
