using BulkOnboard.Reporting;
using Serilog.Core;
using Serilog.Events;
using BulkOnboard.Input;

namespace BulkOnboard.Cli.Hosting;

/// <summary>
/// Escapes control characters in every text a log event carries (file names, headers, cells, the API's
/// messages), before any sink sees it: a name holding a line break cannot forge a log line, nor an
/// escape sequence drive the terminal. One rule for the console and the log file (<see cref="SafeText"/>).
/// </summary>
internal sealed class SafeTextEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var (name, value) in logEvent.Properties)
        {
            if (Neutralise(value) is { } safe)
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, safe));
            }
        }
    }

    /// <summary>The value with its texts escaped, or <c>null</c> when nothing needed it.</summary>
    private static LogEventPropertyValue? Neutralise(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } when SafeText.Of(text) is var safe && !ReferenceEquals(safe, text) => new ScalarValue(safe),
        SequenceValue sequence when sequence.Elements.Any(e => Neutralise(e) is not null) =>
            new SequenceValue(sequence.Elements.Select(e => Neutralise(e) ?? e)),
        _ => null,
    };
}
