namespace BulkOnboard.Input;

/// <summary>
/// Counts the bytes read from input files (<see cref="InputFile.OpenRead"/>) within a scope, and on which
/// thread or task of it: how many times a run reads its file, for the tests and the benchmark. Outside a
/// scope (every real run) a file is read directly, with nothing in between.
/// </summary>
internal sealed class InputReads : IDisposable
{
    private static readonly AsyncLocal<InputReads?> Current = new();

    private readonly InputReads? _outer;
    private readonly Action<long>? _onRead;
    private long _bytes;
    private int _opens;

    private InputReads(Action<long>? onRead)
    {
        _outer = Current.Value;
        _onRead = onRead;
        Current.Value = this;
    }

    /// <summary>Bytes read from input files so far in the scope.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Input files opened so far in the scope.</summary>
    public int Opens => Volatile.Read(ref _opens);

    /// <summary>
    /// Starts counting, for the code that runs from here on (also in the tasks it starts). <paramref name="onRead"/>
    /// is told the bytes read so far after every read (a test stops a run part way through a file with it).
    /// </summary>
    public static InputReads Start(Action<long>? onRead = null) => new(onRead);

    /// <summary>How many times <paramref name="length"/> bytes were read: 2.0 is the file read twice.</summary>
    public double TimesRead(long length) => length == 0 ? 0 : (double)Bytes / length;

    public void Dispose() => Current.Value = _outer;

    /// <summary>The stream a reader gets: counted when a scope is open, else <paramref name="file"/> itself.</summary>
    internal static Stream Meter(FileStream file)
    {
        if (Current.Value is not { } reads)
        {
            return file;
        }

        Interlocked.Increment(ref reads._opens);
        return new CountingStream(file, reads);
    }

    private void Add(int read)
    {
        var total = Interlocked.Add(ref _bytes, read);
        _onRead?.Invoke(total);
    }

    /// <summary>A read-only, seekable view of a file that counts what is read through it.</summary>
    private sealed class CountingStream(FileStream file, InputReads reads) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => file.CanSeek;

        public override bool CanWrite => false;

        public override long Length => file.Length;

        public override long Position
        {
            get => file.Position;
            set => file.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(file.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(file.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await file.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Counted(int read)
        {
            reads.Add(read);
            return read;
        }
    }
}
