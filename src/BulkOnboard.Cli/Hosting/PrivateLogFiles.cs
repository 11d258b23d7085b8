using System.Text;
using Serilog.Sinks.File;

namespace BulkOnboard.Cli.Hosting;

/// <summary>
/// Serilog's file sink hook (<c>"hooks"</c> in the <c>Serilog</c> settings): every log file it opens is made
/// owner-only, as everything else BulkOnboard writes about people (<see cref="Storage.PrivateFiles"/>).
/// Public because Serilog's settings reader finds it by name.
/// </summary>
public sealed class PrivateLogFiles : FileLifecycleHooks
{
    /// <summary>The hook, as <c>BulkOnboard.Cli.Hosting.PrivateLogFiles::Instance, bulkonboard</c>.</summary>
    public static PrivateLogFiles Instance { get; } = new();

    public override Stream OnFileOpened(string path, Stream underlyingStream, Encoding encoding)
    {
        Storage.PrivateFiles.Restrict(path);
        return base.OnFileOpened(path, underlyingStream, encoding);
    }
}
