using System.Runtime.ExceptionServices;

namespace BulkOnboard.Input;

/// <summary>
/// The first pass over an input file, made before any row is used and the only read before the one that streams
/// the rows: it takes the file's fingerprint and checks its quoting (<see cref="CsvScan"/>), finds its header,
/// counts its data rows (the progress bar's length) and shows each to the <see cref="IRowScanner"/>s that want
/// them (how the date columns are read, a source's gates). Ctrl+C/SIGTERM ends it.
/// </summary>
/// <param name="Rows">The data rows, blank rows left out.</param>
internal sealed record FirstPass(CsvChecks Checks, int Rows)
{
    public InputFingerprint Fingerprint => Checks.Fingerprint;

    /// <summary>
    /// The pass over a CSV file. Its encoding is known only at its end (UTF-8 unless a byte says otherwise), so a
    /// record is decoded as UTF-8 when its bytes are UTF-8, else as Windows-1252; only a file found to be
    /// Windows-1252 after UTF-8 text was decoded is passed over again, in Windows-1252 (a mix no export writes).
    /// </summary>
    public static FirstPass OfCsv(string path, HeaderMatcher matcher, MappingFile? mapping, IReadOnlyList<IRowScanner> scanners, CancellationToken cancellationToken)
    {
        using (var scan = new CsvScan(path, encoding: null, cancellationToken))
        {
            if (scan.IsEmpty)
            {
                throw new InputException($"{path}: the file is empty");
            }

            try
            {
                var pass = Csv(path, scan, matcher, mapping, scanners);
                if (!scan.DecodedNonAsciiAsUtf8 || !NotUtf8(pass.Fingerprint))
                {
                    return pass;
                }
            }
            catch (InputException refused) when (scan.DecodedNonAsciiAsUtf8)
            {
                // Refused on text decoded as UTF-8 (no header found, say): was that its encoding? The rest of the file says.
                if (!NotUtf8(scan))
                {
                    ExceptionDispatchInfo.Throw(refused);
                }
            }
        }

        // The header, the dates or the emails were read in the wrong encoding.
        using var again = new CsvScan(path, LegacyEncodings.Windows1252, cancellationToken);
        return Csv(path, again, matcher, mapping, scanners);
    }

    /// <summary>The pass over a workbook's sheet, for scanners already started on its header; returns the data rows.</summary>
    public static int OfWorkbook(string path, string? sheet, HeaderMatcher matcher, MappingFile? mapping, IReadOnlyList<IRowScanner> scanners, CancellationToken cancellationToken)
    {
        using var reader = new ExcelTableReader(path, sheet);
        using var records = reader.ReadRecords(cancellationToken).GetEnumerator();
        var (_, pending) = HeaderSearch.Find(path, records, matcher, mapping);
        var rows = 0;
        foreach (var row in pending.Concat(Rest(records)).Where(r => !r.IsBlank))
        {
            rows++;
            foreach (var scanner in scanners)
            {
                scanner.Scan(row);
            }
        }

        return rows;
    }

    private static FirstPass Csv(string path, CsvScan scan, HeaderMatcher matcher, MappingFile? mapping, IReadOnlyList<IRowScanner> scanners)
    {
        var (columns, pending) = HeaderSearch.Find(path, scan.Records().GetEnumerator(), matcher, mapping);
        var wanting = scanners.Where(s => s.Start(columns)).ToList();
        var rows = 0;
        foreach (var row in pending)
        {
            Take(row);
        }

        while (scan.Read())
        {
            // Counting needs no cell: a record with a letter, a digit or a sign in it is no blank row.
            if (wanting.Count == 0 && scan.HasText())
            {
                rows++;
            }
            else
            {
                Take(scan.Decode());
            }
        }

        var checks = scan.Finish();
        return rows > 0 ? new FirstPass(checks, rows) : throw InputTable.NoDataRows(path, columns);

        void Take(RawRecord row)
        {
            if (row.IsBlank)
            {
                return;
            }

            rows++;
            foreach (var scanner in wanting)
            {
                scanner.Scan(row);
            }
        }
    }

    private static bool NotUtf8(CsvScan scan)
    {
        try
        {
            return NotUtf8(scan.Finish().Fingerprint);
        }
        catch (InputException)
        {
            return false;
        }
    }

    private static bool NotUtf8(InputFingerprint fingerprint) => CsvTableReader.EncodingOf(fingerprint).Encoding is not null;

    private static IEnumerable<RawRecord> Rest(IEnumerator<RawRecord> records)
    {
        while (records.MoveNext())
        {
            yield return records.Current;
        }
    }
}
