namespace BulkOnboard.Input.Sources;

/// <summary>Where <c>-</c> reads from: the process's standard input, or what a test hands the CLI.</summary>
internal sealed class StandardInput(Func<Stream> open)
{
    public Stream Open() => open();
}
