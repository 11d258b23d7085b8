using System.Text.RegularExpressions;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Settings.Configuration;

namespace BulkOnboard.Cli.Hosting;

/// <summary>
/// Builds the generic host of one command. Configuration ranks, lowest first: appsettings.json (next to
/// the executable, then in the working directory), appsettings.{Environment}.json, the
/// <c>TALLYFY_ACCESS_TOKEN</c>/<c>TALLYFY_ORG_ID</c> convention, environment variables,
/// <c>--config FILE</c>, then the command's own options.
/// </summary>
internal static partial class CliHost
{
    public static HostApplicationBuilder CreateBuilder(CliEnvironment environment, string? configFile)
    {
        var environmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = environmentName,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });

        var configuration = builder.Configuration;
        var folders = new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() }
            .Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var name in new[] { "appsettings.json", $"appsettings.{environmentName}.json" })
        {
            foreach (var folder in folders)
            {
                configuration.AddJsonFile(Path.Combine(folder, name), optional: true, reloadOnChange: false);
            }
        }

        configuration.AddInMemoryCollection(TallyfyConventionVariables());
        configuration.AddEnvironmentVariables();
        if (environment.Settings is not null)
        {
            configuration.AddInMemoryCollection(environment.Settings);
        }

        if (configFile is not null)
        {
            if (!File.Exists(configFile) && !Directory.Exists(configFile))
            {
                throw new CliException($"--config: {configFile} does not exist");
            }

            // A settings file is small and regular: a FIFO or /dev/zero here would hang or fill memory.
            InputFile.EnsureRegular(configFile, $"--config: {configFile}");
            if (new FileInfo(configFile).Length > InputFile.MaxSmallFileBytes)
            {
                throw new CliException($"--config: {configFile} is larger than {InputFile.MaxSmallFileBytes / 1024:N0} KB; this is not a settings file");
            }

            configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        return builder;
    }

    /// <summary>Serilog from the <c>Serilog</c> section (file sink, levels) plus the console at <paramref name="consoleLevel"/>.</summary>
    /// <param name="fileLevel">
    /// The least a log file takes: a command that only reports (<c>inspect</c>, <c>history</c>, <c>doctor</c>)
    /// passes <see cref="LogEventLevel.Error"/>, so it leaves no file (nor <c>logs/</c>) where it runs unless it fails.
    /// </param>
    public static void AddSerilog(HostApplicationBuilder builder, CliEnvironment environment, LogEventLevel consoleLevel, LogEventLevel fileLevel = LogEventLevel.Verbose)
    {
        const string ConsoleTemplate = "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}";
        var readerOptions = new ConfigurationReaderOptions(
            typeof(Serilog.FileLoggerConfigurationExtensions).Assembly,
            typeof(Serilog.ConsoleLoggerConfigurationExtensions).Assembly);
        var fileSinks = builder.Configuration.GetSection("Serilog:WriteTo").GetChildren().Where(sink => sink["Args:path"] is { Length: > 0 }).ToList();
        if (fileLevel > LogEventLevel.Verbose)
        {
            builder.Configuration.AddInMemoryCollection(fileSinks.Select(sink => KeyValuePair.Create<string, string?>($"{sink.Path}:Args:restrictedToMinimumLevel",
                (Enum.TryParse<LogEventLevel>(sink["Args:restrictedToMinimumLevel"], ignoreCase: true, out var own) && own > fileLevel ? own : fileLevel).ToString())));
        }

        var folders = fileSinks.Select(sink => Path.GetDirectoryName(Path.GetFullPath(sink["Args:path"]!))).OfType<string>().Where(f => f.Length > 0).ToList();
        var logger = new LoggerConfiguration()
            // First of the sinks: the file sinks' folders are made, owner-only, when the first event for them comes (never for a command that logs nothing).
            .WriteTo.Sink(new LogFolders(folders), fileLevel)
            .ReadFrom.Configuration(builder.Configuration, readerOptions)
            .Enrich.With(new SafeTextEnricher())
            .WriteTo.Logger(console => console
                .MinimumLevel.Is(consoleLevel)
                .WriteTo.Conditional(_ => ReferenceEquals(environment.Error, Console.Error),
                    sink => sink.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture))
                .WriteTo.Conditional(_ => !ReferenceEquals(environment.Error, Console.Error),
                    sink => sink.Sink(new TextWriterSink(environment.Error, new MessageTemplateTextFormatter(ConsoleTemplate, System.Globalization.CultureInfo.InvariantCulture)))))
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
    }

    /// <summary>
    /// Creates the file sinks' folders owner-only before Serilog would create them with the umask's mode (their
    /// files: <see cref="PrivateLogFiles"/>), at the first event, so a command that logs nothing makes none.
    /// </summary>
    private sealed class LogFolders(IReadOnlyList<string> folders) : Serilog.Core.ILogEventSink
    {
        private readonly Lock _making = new();
        private volatile bool _made;

        public void Emit(LogEvent logEvent)
        {
            if (_made)
            {
                return;
            }

            // Another thread's event waits here: its file sink must not make the folder first, with the umask's mode.
            lock (_making)
            {
                foreach (var folder in _made ? [] : folders)
                {
                    try
                    {
                        Storage.PrivateFiles.CreateFolder(folder);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        // Serilog's file sink reports a folder it cannot use itself.
                    }
                }

                _made = true;
            }
        }
    }

    /// <summary>
    /// The one line for a problem that stops a command before anything is sent (bad input, settings,
    /// journal); <c>null</c> for anything else, which is a bug.
    /// </summary>
    public static string? DescribeSetupFailure(Exception exception) => exception switch
    {
        InputException or CliException or JournalUnavailableException or Plan.JourneyException => exception.Message,
        OptionsValidationException options => string.Join("; ", options.Failures),
        AggregateException aggregate when aggregate.InnerExceptions.All(e => DescribeSetupFailure(e) is not null) =>
            string.Join("; ", aggregate.InnerExceptions.Select(DescribeSetupFailure)),
        InvalidOperationException binding when binding.Message.Contains("Failed to convert configuration value", StringComparison.Ordinal) =>
            DescribeBindingFailure(binding),
        InvalidDataException json => $"a settings file is not valid JSON: {json.Message} {json.InnerException?.Message}".Trim(),
        _ => null,
    };

    /// <summary>Turns a configuration binding failure into a line that names the setting.</summary>
    public static string DescribeBindingFailure(InvalidOperationException exception)
    {
        var match = BindingFailure().Match(exception.Message);
        return match.Success
            ? $"{Setting.Describe(match.Groups["key"].Value)}: '{match.Groups["value"].Value}' is not a valid {FriendlyType(match.Groups["type"].Value)}"
            : exception.Message;
    }

    private static string FriendlyType(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "whole number",
        "System.TimeSpan" => "duration (use the form 00:00:30)",
        "System.Boolean" => "true/false value",
        "System.Double" => "number",
        _ => type,
    };

    private static Dictionary<string, string?> TallyfyConventionVariables()
    {
        var settings = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("TALLYFY_ACCESS_TOKEN") is { Length: > 0 } token)
        {
            settings["Tallyfy:AccessToken"] = token;
        }

        if (Environment.GetEnvironmentVariable("TALLYFY_ORG_ID") is { Length: > 0 } organization)
        {
            settings["Tallyfy:OrganizationId"] = organization;
        }

        return settings;
    }

    [GeneratedRegex(@"value '(?<value>[^']*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BindingFailure();
}

/// <summary>A problem with how the command was called: reported as one line, exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);
