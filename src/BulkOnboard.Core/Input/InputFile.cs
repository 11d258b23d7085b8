using System.Runtime.InteropServices;

namespace BulkOnboard.Input;

/// <summary>
/// Opens input files with errors a user can act on instead of raw I/O exceptions. Only regular files are
/// opened: a FIFO would block the open for ever, a device (<c>/dev/zero</c>) never ends, and a folder
/// is not a file; each is refused at once, with one line.
/// </summary>
internal static class InputFile
{
    /// <summary>The most a mapping file, a settings file (<c>--config</c>) or a token file may hold: each is a few KB at most.</summary>
    public const int MaxSmallFileBytes = 1024 * 1024;

    /// <summary>Opens a regular file for reading (counted by <see cref="InputReads"/> when a scope is open).</summary>
    public static Stream OpenRead(string path)
    {
        EnsureRegular(path, path);
        try
        {
            return InputReads.Meter(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan));
        }
        catch (FileNotFoundException)
        {
            throw new InputException($"{path}: file not found");
        }
        catch (DirectoryNotFoundException)
        {
            throw new InputException($"{path}: file not found (its folder does not exist)");
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException($"{path}: permission denied, or it is a folder rather than a file");
        }
        catch (IOException ex)
        {
            throw new InputException($"{path}: cannot be opened, it may be locked by another program ({ex.Message})");
        }
    }

    /// <summary>
    /// Reads a small text file whole (a mapping, settings or token file), refusing anything that is not
    /// a regular file or holds more than <paramref name="maxBytes"/>. <paramref name="what"/> starts the message.
    /// </summary>
    public static string ReadSmallText(string path, string what, int maxBytes = MaxSmallFileBytes)
    {
        EnsureRegular(path, what);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096);
            var buffer = new byte[Math.Min(maxBytes + 1L, Math.Max(4096, stream.Length + 1))];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
                if (length == buffer.Length && length <= maxBytes)
                {
                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1L, buffer.Length * 2L));
                }
            }

            if (length > maxBytes)
            {
                throw new InputException($"{what}: larger than {maxBytes / 1024:N0} KB; this is not the file you meant");
            }

            using var text = new StreamReader(new MemoryStream(buffer, 0, length), detectEncodingFromByteOrderMarks: true);
            return text.ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{what}: cannot be read: {ex.Message}");
        }
    }

    /// <summary>Refuses, with one line, a path that exists but is not a regular file (a FIFO, a device, a socket, a folder).</summary>
    public static void EnsureRegular(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new InputException($"{what}: is a folder, not a file");
        }

        if (FileType(path) is { } type and not "regular file")
        {
            throw new InputException($"{what}: is a {type}, not a regular file; only regular files are read");
        }
    }

    /// <summary>Whether the path is something other than a regular file or a folder (a FIFO, a device, a socket): opening it could block or never end.</summary>
    public static bool IsSpecial(string path) => FileType(path) is { } type && type is not ("regular file" or "folder");

    /// <summary>What the path is, from <c>stat</c> (following links); <c>null</c> when it cannot be told (no such file, or Windows).</summary>
    private static string? FileType(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        // The runtime's own stat shim (System.Native, present in every .NET on Unix, also single-file):
        // its FileStatus starts with Flags and Mode (both int), whatever the platform's struct stat looks like.
        var status = new byte[512];
        try
        {
            if (Stat(path, status) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        return (BitConverter.ToInt32(status, 4) & 0xF000) switch
        {
            0x8000 => "regular file",
            0x4000 => "folder",
            0x1000 => "named pipe (FIFO)",
            0x2000 => "character device",
            0x6000 => "block device",
            0xC000 => "socket",
            _ => "special file",
        };
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in the project; this one call marshals a string and an array.
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
#pragma warning restore SYSLIB1054
}
