namespace BulkOnboard.Storage;

/// <summary>
/// Puts the records of a report CSV written as they settled back in order: the file is scanned once for
/// where each record starts (a line break outside quotes ends one; UTF-8 never hides a quote or a line
/// break inside a character), and copied record by record in the order of their keys to a temporary file
/// that then replaces it. Memory is two numbers a record, whatever the records hold.
/// </summary>
internal static class CsvRecordOrder
{
    /// <summary>
    /// Rewrites <paramref name="path"/> (a header record, then one record per key of <paramref name="keys"/>, in
    /// the order they were written) with its records sorted by key; the header stays first, and a byte order mark
    /// before it with it (copied once, as part of the header record). A key written more
    /// than once keeps its last record (a line written again once more was known), and the keys in
    /// <paramref name="dropped"/> keep none. Nothing is rewritten when the keys are already in order.
    /// </summary>
    public static void Sort(string path, IReadOnlyList<long> keys, IReadOnlySet<long>? dropped = null)
    {
        if (IsSorted(keys) && dropped is not { Count: > 0 })
        {
            return;
        }

        var starts = RecordStarts(path);
        if (starts.Count != keys.Count + 2)
        {
            throw new InvalidOperationException($"{Path.GetFileName(path)} holds {starts.Count - 2} records after its header, not the {keys.Count} written; this is a bug.");
        }

        // By key, and among records of one key in the order written: the last of them is kept.
        var order = Enumerable.Range(0, keys.Count).OrderBy(i => keys[i]).ThenBy(i => i).ToArray();
        PrivateFiles.WriteAtomically(path, output =>
        {
            using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var buffer = new byte[1 << 16];
            Copy(input, output, starts[0], starts[1], buffer);
            for (var i = 0; i < order.Length; i++)
            {
                var record = order[i];
                if ((i + 1 < order.Length && keys[order[i + 1]] == keys[record]) || dropped?.Contains(keys[record]) == true)
                {
                    continue;
                }

                Copy(input, output, starts[record + 1], starts[record + 2], buffer);
            }
        });
    }

    private static bool IsSorted(IReadOnlyList<long> keys)
    {
        for (var i = 1; i < keys.Count; i++)
        {
            if (keys[i] <= keys[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The byte offset where each record starts, and the file's length last.</summary>
    private static List<long> RecordStarts(string path)
    {
        var starts = new List<long> { 0 };
        using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        var quoted = false;
        long position = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'"')
                {
                    quoted = !quoted;
                }
                else if (buffer[i] == (byte)'\n' && !quoted)
                {
                    starts.Add(position + i + 1);
                }
            }

            position += read;
        }

        if (starts[^1] != position)
        {
            // The last record without a line break after it.
            starts.Add(position);
        }

        return starts;
    }

    private static void Copy(FileStream input, Stream output, long from, long to, byte[] buffer)
    {
        input.Position = from;
        var left = to - from;
        while (left > 0)
        {
            var read = input.Read(buffer, 0, (int)Math.Min(left, buffer.Length));
            if (read == 0)
            {
                throw new EndOfStreamException($"{input.Name} ended before its last record");
            }

            output.Write(buffer, 0, read);
            left -= read;
        }
    }
}
