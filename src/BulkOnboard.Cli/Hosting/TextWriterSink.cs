using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace BulkOnboard.Cli.Hosting;

/// <summary>Writes log events to a <see cref="TextWriter"/>: the console of an in-process run (tests).</summary>
internal sealed class TextWriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock _lock = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
