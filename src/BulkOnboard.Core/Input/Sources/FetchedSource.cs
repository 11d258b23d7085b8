using System.Security.Cryptography;

namespace BulkOnboard.Input.Sources;

/// <summary>What a transport said about a source: its ETag, when it last changed (HTTP <c>Last-Modified</c>, the SFTP file's time), its content type.</summary>
internal sealed record SourceMetadata(string? ETag, DateTimeOffset? LastModified, string? ContentType);

/// <summary>
/// A source copied to a local file: in a private temporary folder (owner-only), named after the source,
/// deleted with the folder when disposed. Carries what the transport said about it.
/// </summary>
internal sealed class FetchedSource : IDisposable
{
    private FetchedSource(SourceDefinition source, string folder, string path)
    {
        Source = source;
        Folder = folder;
        Path = path;
    }

    public SourceDefinition Source { get; }

    public string Folder { get; }

    /// <summary>The local copy the pipeline reads.</summary>
    public string Path { get; private set; }

    public string Sha256 { get; private set; } = string.Empty;

    public long Size { get; private set; }

    /// <summary>What the transport said about the copy: ETag, when it last changed, its content type.</summary>
    public SourceMetadata Metadata { get; private set; } = new(null, null, null);

    /// <summary>
    /// Creates the private folder and file, lets <paramref name="copy"/> write the source into it (at most
    /// <paramref name="maxBytes"/>), and hashes what was written.
    /// </summary>
    public static async Task<FetchedSource> CreateAsync(SourceDefinition source, long maxBytes, Func<Stream, CancellationToken, Task<SourceMetadata>> copy,
        CancellationToken cancellationToken)
    {
        // CreateTempSubdirectory makes the folder 0700 on Unix; the file is 0600 as well.
        var folder = Directory.CreateTempSubdirectory("bulkonboard-source-").FullName;
        var fetched = new FetchedSource(source, folder, System.IO.Path.Combine(folder, source.FileName));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var file = new FileStream(fetched.Path, options))
            await using (var limited = new LimitedStream(file, maxBytes, source.Display))
            {
                fetched.Metadata = await copy(limited, cancellationToken);
            }

            await fetched.HashAsync(cancellationToken);
            fetched.FixExtension();
            return fetched;
        }
        catch
        {
            fetched.Dispose();
            throw;
        }
    }

    private async Task HashAsync(CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(Path);
        Size = stream.Length;
        Sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>A workbook served under a .csv name is read as the workbook it is.</summary>
    private void FixExtension()
    {
        Span<byte> head = stackalloc byte[4];
        int read;
        using (var stream = File.OpenRead(Path))
        {
            read = stream.Read(head);
        }

        var extension = read >= 4 && head[0] == 'P' && head[1] == 'K' ? ".xlsx"
            : read >= 4 && head[0] == 0xD0 && head[1] == 0xCF && head[2] == 0x11 && head[3] == 0xE0 ? ".xls"
            : null;
        if (extension is not null && !string.Equals(System.IO.Path.GetExtension(Path), extension, StringComparison.OrdinalIgnoreCase))
        {
            var renamed = System.IO.Path.ChangeExtension(Path, extension);
            File.Move(Path, renamed);
            Path = renamed;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left in the temporary folder (owner-only) for the OS to clean.
        }
    }

    /// <summary>Refuses to write more than the limit: a source is a roster, not an endless stream.</summary>
    private sealed class LimitedStream(Stream inner, long limit, string what) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written;

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Count(buffer.Length);
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count(buffer.Length);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Count(int bytes)
        {
            _written += bytes;
            if (_written > limit)
            {
                throw new InputException($"{what}: larger than {(limit >= 1024 * 1024 ? $"{limit / (1024 * 1024):N0} MB" : $"{limit:N0} bytes")} (Sources:MaxBytes); nothing was sent");
            }
        }
    }
}
