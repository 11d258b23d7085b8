using System.Text;

namespace BulkOnboard.Tests.Support;

/// <summary>Temporary files for a test, and the shared corpora beside the repository.</summary>
public sealed class TestFiles : IDisposable
{
    public TestFiles() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "bulkonboard-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The <c>shared/corpora</c> folder, found by walking up from the test binaries.</summary>
    public static string Corpora => FindUp(Path.Combine("shared", "corpora"))
        ?? throw new DirectoryNotFoundException("shared/corpora was not found above the test folder");

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

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
