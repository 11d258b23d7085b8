using BulkOnboard.Cli.Hosting;
using BulkOnboard.Cli.Terminal;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using BulkOnboard.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog.Events;
using Spectre.Console;

namespace BulkOnboard.Cli.Commands;

/// <summary>One <c>import</c> or <c>validate</c> invocation: host, optional sandbox, the run, the console summary.</summary>
internal sealed class ImportRun(CliEnvironment environment, RunMode mode, string inputPath, string? configFile, bool useSandbox, Dictionary<string, string?> settings)
{
    public Task<int> ExecuteAsync(CancellationToken cancellationToken) => CommandHost.ExecuteAsync<ImportRun>(
        environment,
        () => CommandHost.BuildAsync(environment, configFile, settings, useSandbox, sendsRequests: mode == RunMode.Import,
            environment.Interactive ? LogEventLevel.Warning : LogEventLevel.Information, cancellationToken),
        async command =>
        {
            await command.Host.StartAsync(cancellationToken);

            // A source (-, a URL, a named source) becomes a local file first, through its gates.
            using var source = await command.Services.GetRequiredService<SourceStage>().OpenAsync(inputPath, sends: mode == RunMode.Import,
                command.Services.GetRequiredService<IOptions<ImportOptions>>().Value.Force, cancellationToken);
            if (source.UnchangedSinceRun is { } run)
            {
                environment.Out.WriteLine(SafeText.Of($"{source.Source.Display} is unchanged since run {run} (same SHA-256): nothing was sent; --force runs it again"));
                await command.Host.StopAsync(CancellationToken.None);
                return ExitCodes.Success;
            }

            var summary = await RunAsync(command.Services, source.Path, source.Fetched is null ? null : source.Source.Display, cancellationToken);
            source.Finish(summary);
            SummaryTable.Write(CreateConsole(), summary);
            if (useSandbox && mode == RunMode.Import)
            {
                environment.Out.WriteLine(InProcessSandbox.ReRunHint);
            }

            await command.Services.GetRequiredService<RunNotifier>().NotifyAsync(RunReport.Of(summary), CancellationToken.None);
            await command.Host.StopAsync(CancellationToken.None);
            return summary.ExitCode;
        },
        mode == RunMode.Import ? "import" : "validate");

    private async Task<RunSummary> RunAsync(IServiceProvider services, string inputPath, string? display, CancellationToken cancellationToken)
    {
        var runner = services.GetRequiredService<ImportRunner>();
        var sender = mode == RunMode.Import ? services.GetRequiredService<RowSender>() : null;
        var request = new RunRequest(inputPath, mode, JournalFor(services)) { Display = display };
        var time = services.GetRequiredService<TimeProvider>();

        // The bar's length comes from the run's first pass over the file, and the time left from the run's own estimate
        // (RunProgress, handed over by IRunObserver.Started).
        var status = new DeliveryStatus(sender, time);
        if (!environment.Interactive)
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("BulkOnboard.Progress");
            using var observer = new ProgressLogObserver(logger, status, time, TimeSpan.FromSeconds(10));
            return await runner.RunAsync(request, sender, observer, cancellationToken);
        }

        RunSummary? summary = null;
        await CreateConsole().Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TimeLeftColumn(status), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Path.GetFileName(inputPath), maxValue: 1);
                using var observer = new ProgressBarObserver(task, status, time);
                summary = await runner.RunAsync(request, sender, observer, cancellationToken);
            });
        return summary!;
    }

    private JournalRequest? JournalFor(IServiceProvider services) =>
        mode == RunMode.Import
            ? JournalRequest.For(services.GetRequiredService<IOptions<JournalOptions>>().Value,
                services.GetRequiredService<IOptions<TallyfyOptions>>().Value, services.GetRequiredService<IOptions<ImportOptions>>().Value.Force)
            : null;

    private IAnsiConsole CreateConsole() => environment.CreateConsole();
}
