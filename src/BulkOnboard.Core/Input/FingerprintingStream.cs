using System.Security.Cryptography;
using System.Text;

namespace BulkOnboard.Input;

/// <summary>
/// Reads an input file once, front to back, and takes its <see cref="InputFingerprint"/> from the bytes as they
/// pass (SHA-256, length, byte order mark, UTF-8 or not, quotes, line breaks): whoever reads through it (the CSV
/// parser of the first pass) needs no read of its own for them. Every read honours the cancellation token.
/// </summary>
internal sealed class FingerprintingStream : Stream
{
    private const int SniffLength = 8192;

    private readonly Stream _file;
    private readonly CancellationToken _cancellationToken;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Decoder _utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
    private readonly byte[] _head = new byte[SniffLength];
    private InputFingerprint? _fingerprint;
    private char[] _chars = new char[(1 << 16) + 4];
    private int _headLength;
    private int _headServed;
    private bool _validUtf8 = true;
    private bool _hasQuotes;
    private long _lineFeeds;
    private long _carriageReturns;
    private long _length;

    private FingerprintingStream(Stream file, CancellationToken cancellationToken)
    {
        _file = file;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The first bytes of the file (up to 8 KB), read when it is opened: enough to tell its encoding, or that it is binary.</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    /// <summary>Whether a quote was among the bytes read so far.</summary>
    public bool SawQuote => _hasQuotes;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Opens the file and reads its head (<see cref="Head"/>); the rest is read as the caller reads.</summary>
    public static FingerprintingStream Open(string path, CancellationToken cancellationToken)
    {
        var stream = new FingerprintingStream(InputFile.OpenRead(path), cancellationToken);
        try
        {
            int read;
            while (stream._headLength < SniffLength && (read = stream._file.Read(stream._head, stream._headLength, SniffLength - stream._headLength)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                stream._headLength += read;
            }

            stream.Take(stream.Head);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The fingerprint of every byte read so far: the whole file's once the reader reached its end.</summary>
    public InputFingerprint Finish()
    {
        if (_fingerprint is not null)
        {
            return _fingerprint;
        }

        if (_validUtf8)
        {
            try
            {
                _utf8.GetChars([], 0, 0, _chars, 0, flush: true);
            }
            catch (DecoderFallbackException)
            {
                _validUtf8 = false;
            }
        }

        var bom = InputFingerprint.DetectBom(Head);
        return _fingerprint = new InputFingerprint(
            Convert.ToHexStringLower(_hash.GetHashAndReset()),
            _length,
            bom,
            _validUtf8,
            bom is null && InputFingerprint.LooksLikeBinary(Head),
            _hasQuotes,
            _lineFeeds > 0 ? _lineFeeds : _carriageReturns);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (_headServed < _headLength)
        {
            var served = Math.Min(buffer.Length, _headLength - _headServed);
            Head.Slice(_headServed, served).CopyTo(buffer);
            _headServed += served;
            return served;
        }

        var read = _file.Read(buffer);
        Take(buffer[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Take(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(bytes);
        _length += bytes.Length;
        _hasQuotes = _hasQuotes || bytes.Contains((byte)'"');
        _lineFeeds += bytes.Count((byte)'\n');
        _carriageReturns += bytes.Count((byte)'\r');
        if (!_validUtf8 || bytes.IsEmpty)
        {
            return;
        }

        if (_chars.Length < bytes.Length + 4)
        {
            _chars = new char[bytes.Length + 4];
        }

        try
        {
            _utf8.GetChars(bytes, _chars, flush: false);
        }
        catch (DecoderFallbackException)
        {
            _validUtf8 = false;
        }
    }
}
