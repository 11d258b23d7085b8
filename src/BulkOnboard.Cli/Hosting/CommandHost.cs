using BulkOnboard.Configuration;
using BulkOnboard.Journal;
using BulkOnboard.Pipeline;
using BulkOnboard.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog.Events;

namespace BulkOnboard.Cli.Hosting;

/// <summary>
/// The one composition root of the commands that run the pipeline (<c>import</c>, <c>validate</c>,
/// <c>watch</c>, <c>sync</c>, <c>inspect</c>, <c>history</c>): configuration in its ranks, the optional
/// in-process sandbox, Serilog, BulkOnboard's services, and every options class validated before
/// anything is read or sent.
/// </summary>
internal sealed class CommandHost : IAsyncDisposable
{
    private readonly SandboxServer? _sandbox;

    private CommandHost(IHost host, SandboxServer? sandbox)
    {
        Host = host;
        _sandbox = sandbox;
    }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>The journal a command cannot do without (sync, due), or a one-line refusal saying why it needs it.</summary>
    public JournalRequest RequireJournal(string command, string why) =>
        JournalRequest.For(Services.GetRequiredService<IOptions<JournalOptions>>().Value, Services.GetRequiredService<IOptions<TallyfyOptions>>().Value, force: false)
        ?? throw new CliException($"{command} needs the journal ({why}): set Journal:Enabled to true");

    /// <param name="settings">The command's options as settings (they rank highest); <c>--sandbox</c> adds the sandbox's address to them.</param>
    /// <param name="sendsRequests">Whether the command talks to Tallyfy: then the Tallyfy settings must be complete.</param>
    /// <param name="configure">Anything the command adds to the host (the watch service, its shutdown timeout).</param>
    /// <param name="onlyReports">The command only prints (<c>inspect</c>, <c>history</c>, <c>doctor</c>): its log file takes errors only, so it leaves nothing where it runs.</param>
    public static async Task<CommandHost> BuildAsync(CliEnvironment environment, string? configFile, Dictionary<string, string?> settings, bool useSandbox,
        bool sendsRequests, LogEventLevel consoleLevel, CancellationToken cancellationToken, Action<HostApplicationBuilder>? configure = null, bool onlyReports = false)
    {
        SandboxServer? sandbox = null;
        try
        {
            var builder = CliHost.CreateBuilder(environment, configFile);
            if (useSandbox)
            {
                sandbox = await InProcessSandbox.StartAsync(builder.Configuration, settings, environment, cancellationToken);
            }

            builder.Configuration.AddInMemoryCollection(settings);
            CliHost.AddSerilog(builder, environment, consoleLevel, onlyReports ? LogEventLevel.Error : LogEventLevel.Verbose);
            if (environment.In is { } input)
            {
                builder.Services.AddSingleton(new Input.Sources.StandardInput(() => input));
            }

            if (environment.Clock is { } clock)
            {
                builder.Services.AddSingleton(clock);
            }

            builder.Services.AddBulkOnboard(sendsRequests);
            configure?.Invoke(builder);
            var host = builder.Build();
            var built = new CommandHost(host, sandbox);
            try
            {
                // Every options class is validated here, before any row is read: a bad setting stops the run with one line.
                host.Services.GetRequiredService<IStartupValidator>().Validate();
            }
            catch
            {
                await built.DisposeAsync();
                throw;
            }

            return built;
        }
        catch when (sandbox is not null)
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Builds the host with <paramref name="build"/>, runs <paramref name="run"/>, and turns what can go
    /// wrong into the one line and exit code the contract asks for: 4 for a held journal, 1 for bad
    /// input or settings, 6 for a source a gate refused (with a notification), 1 with the stack trace in
    /// the log file for a bug.
    /// </summary>
    public static async Task<int> ExecuteAsync<TLog>(CliEnvironment environment, Func<Task<CommandHost>> build, Func<CommandHost, Task<int>> run, string command = "import")
    {
        CommandHost? host = null;
        try
        {
            host = await build();
            return await run(host);
        }
        catch (Journal.JournalLockedException locked)
        {
            environment.WriteError(locked.Message);
            return Reporting.ExitCodes.JournalLocked;
        }
        catch (Input.Sources.SourceRefusedException refused)
        {
            environment.WriteError(refused.Message);
            if (host is not null)
            {
                await host.Services.GetRequiredService<Reporting.RunNotifier>().NotifyAsync(
                    Reporting.RunReport.Refused(refused.SourceName ?? "source", command, refused.Message), CancellationToken.None);
            }

            return Reporting.ExitCodes.SourceRefused;
        }
        catch (Exception ex) when (CliHost.DescribeSetupFailure(ex) is { } message)
        {
            environment.WriteError(message);
            return Reporting.ExitCodes.NothingSent;
        }
        catch (Exception ex) when (host is not null)
        {
            // A bug: the log file gets the stack trace, the console one line.
            Microsoft.Extensions.Logging.LoggerExtensions.LogError(host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<TLog>>(), ex, "Unexpected error");
            environment.WriteError($"unexpected {ex.GetType().Name}: {ex.Message} (details in the log file)");
            return Reporting.ExitCodes.NothingSent;
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }
}
