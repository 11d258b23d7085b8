using System.Runtime.InteropServices;
using System.Text;
using BulkOnboard.Input;

namespace BulkOnboard.Validation;

/// <summary>
/// Which row first had each kind + normalized email, for "duplicate in file". Keys are kept exactly
/// (no digest, so no collision can ever skip a person), as UTF-8 in 1 MB chunks that nothing else
/// points into: a million emails cost about 50 MB and no work for the garbage collector, against
/// about 100 MB for a set of strings.
/// </summary>
internal sealed class EmailIndex
{
    private const int ChunkBytes = 1 << 20;
    private const int FirstChunkBytes = 16 << 10;

    private readonly List<byte[]> _chunks = [];
    private readonly Dictionary<Slot, int> _firstRow;
    private readonly Dictionary<Slot, int>.AlternateLookup<ReadOnlySpan<byte>> _byBytes;
    private int _used;

    public EmailIndex()
    {
        _firstRow = new Dictionary<Slot, int>(new SlotComparer(this));
        _byBytes = _firstRow.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _firstRow.Count;

    /// <summary>Sizes the index once for about this many keys: growing by doubling would briefly hold two copies.</summary>
    public void EnsureCapacity(int keys) => _firstRow.EnsureCapacity(keys);

    /// <summary>The row that first had this kind and email; or, for a new one, <c>null</c> after recording <paramref name="rowNumber"/>.</summary>
    public int? FirstRowOrAdd(PersonKind kind, string email, int rowNumber)
    {
        var normalized = EmailAddress.Normalize(email);
        var buffer = normalized.Length <= 256 ? stackalloc byte[1 + (normalized.Length * 3)] : new byte[1 + Encoding.UTF8.GetMaxByteCount(normalized.Length)];
        buffer[0] = (byte)(kind == PersonKind.Guest ? 'g' : 'm');
        var key = buffer[..(1 + Encoding.UTF8.GetBytes(normalized, buffer[1..]))];
        ref var first = ref CollectionsMarshal.GetValueRefOrAddDefault(_byBytes, key, out var exists);
        if (exists)
        {
            return first;
        }

        first = rowNumber;
        return null;
    }

    private ReadOnlySpan<byte> Bytes(Slot slot) => _chunks[slot.Chunk].AsSpan(slot.Offset, slot.Length);

    private Slot Store(ReadOnlySpan<byte> key)
    {
        if (_chunks.Count == 0 || _used + key.Length > _chunks[^1].Length)
        {
            // Small files get small chunks (16 KB, doubling up to 1 MB): a 50-row file dropped into the
            // watched folder should not cost a megabyte.
            var size = _chunks.Count == 0 ? FirstChunkBytes : Math.Min(ChunkBytes, _chunks[^1].Length * 2);
            _chunks.Add(new byte[Math.Max(size, key.Length)]);
            _used = 0;
        }

        key.CopyTo(_chunks[^1].AsSpan(_used));
        var slot = new Slot(_chunks.Count - 1, _used, key.Length);
        _used += key.Length;
        return slot;
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = default(HashCode);
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    /// <summary>Where a key's bytes are.</summary>
    private readonly record struct Slot(int Chunk, int Offset, int Length);

    private sealed class SlotComparer(EmailIndex index) : IEqualityComparer<Slot>, IAlternateEqualityComparer<ReadOnlySpan<byte>, Slot>
    {
        public bool Equals(Slot x, Slot y) => index.Bytes(x).SequenceEqual(index.Bytes(y));

        public int GetHashCode(Slot slot) => Hash(index.Bytes(slot));

        public bool Equals(ReadOnlySpan<byte> alternate, Slot other) => alternate.SequenceEqual(index.Bytes(other));

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public Slot Create(ReadOnlySpan<byte> alternate) => index.Store(alternate);
    }
}
