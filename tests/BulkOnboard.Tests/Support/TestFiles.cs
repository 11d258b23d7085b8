using System.Text;

namespace BulkOnboard.Tests.Support;

/// <summary>Temporary files for a test, and the test corpora kept in the repository.</summary>
public sealed class TestFiles : IDisposable
{
    public TestFiles() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "bulkonboard-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The corpora (<c>tests/BulkOnboard.Tests/Corpora</c>), copied beside the test binaries at build.</summary>
    public static string Corpora { get; } = Path.Combine(AppContext.BaseDirectory, "Corpora");

    public string Write(string name, string text, Encoding? encoding = null)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text, encoding ?? new UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a failed test; the temp folder is cleaned by the OS.
        }
    }
}
