using System.Text;

namespace BulkOnboard.Input;

/// <summary>
/// What the bytes of an input file say before it is parsed: its SHA-256 for the summary, and what its bytes
/// say about its encoding (a byte order mark, valid UTF-8 or not, binary content), and whether it holds
/// a quote at all (a file without one cannot have a quoted field left open).
/// </summary>
internal sealed record InputFingerprint(string Sha256, long Length, Encoding? BomEncoding, bool IsValidUtf8, bool LooksBinary, bool HasQuotes = true, long LineBreaks = 0)
{
    /// <summary>Reads the whole file for its fingerprint alone (a workbook's; a CSV's is taken by the first pass, <see cref="CsvScan"/>).</summary>
    public static InputFingerprint Compute(string path, CancellationToken cancellationToken = default)
    {
        using var stream = FingerprintingStream.Open(path, cancellationToken);
        var buffer = new byte[1 << 16];
        while (stream.Read(buffer) > 0)
        {
        }

        return stream.Finish();
    }

    public static Encoding? DetectBom(ReadOnlySpan<byte> head) => head switch
    {
        [0xEF, 0xBB, 0xBF, ..] => new UTF8Encoding(true),
        [0xFF, 0xFE, 0x00, 0x00, ..] => new UTF32Encoding(false, true),
        [0x00, 0x00, 0xFE, 0xFF, ..] => new UTF32Encoding(true, true),
        [0xFF, 0xFE, ..] => new UnicodeEncoding(false, true),
        [0xFE, 0xFF, ..] => new UnicodeEncoding(true, true),
        _ => null,
    };

    /// <summary>
    /// Binary files: a known binary signature (zip, Office compound file, PDF, images, executables), or
    /// bytes that are neither UTF-8 nor text-like (many control characters). A stray NUL in an otherwise
    /// textual export is not enough to turn a file away.
    /// </summary>
    public static bool LooksLikeBinary(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return false;
        }

        ReadOnlySpan<byte> zip = [0x50, 0x4B, 0x03, 0x04];
        ReadOnlySpan<byte> compound = [0xD0, 0xCF, 0x11, 0xE0];
        ReadOnlySpan<byte> pdf = [0x25, 0x50, 0x44, 0x46];
        ReadOnlySpan<byte> png = [0x89, 0x50, 0x4E, 0x47];
        ReadOnlySpan<byte> jpeg = [0xFF, 0xD8, 0xFF];
        ReadOnlySpan<byte> gif = [0x47, 0x49, 0x46, 0x38];
        ReadOnlySpan<byte> elf = [0x7F, 0x45, 0x4C, 0x46];
        ReadOnlySpan<byte> exe = [0x4D, 0x5A];
        if (head.StartsWith(zip) || head.StartsWith(compound) || head.StartsWith(pdf) || head.StartsWith(png)
            || head.StartsWith(jpeg) || head.StartsWith(gif) || head.StartsWith(elf) || head.StartsWith(exe))
        {
            return true;
        }

        var control = 0;
        var nul = 0;
        foreach (var b in head)
        {
            if (b == 0)
            {
                nul++;
            }
            else if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x1A))
            {
                control++;
            }
        }

        // A sequence cut at the end of the sniffed block is not an encoding error.
        var utf8 = System.Text.Unicode.Utf8.IsValid(head) || System.Text.Unicode.Utf8.IsValid(head[..Math.Max(0, head.Length - 3)]);
        return (!utf8 && (control + nul) * 20 > head.Length) || nul * 3 > head.Length;
    }
}
