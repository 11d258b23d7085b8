using System.Globalization;
using System.Text;

namespace BulkOnboard.Input.Sources;

/// <summary>What the last good fetch of a source looked like (from the journal).</summary>
/// <param name="Columns">The header of each column that fed a field, as <c>field=Header</c>.</param>
internal sealed record SourceBaseline(long FetchId, long? RunId, string Sha256, int Rows, IReadOnlyList<string> Columns, DateTimeOffset FetchedAt)
{
    /// <summary>
    /// Whether the run of that fetch left nothing to do again with the same file and settings: it ended 0,
    /// or 2 with only invalid rows. A run that left rows failed or not attempted, or leavers held (exit 5,
    /// whose grace may have run out since), is run again when the source is unchanged.
    /// </summary>
    public bool RunSettledIt { get; init; } = true;
}

/// <summary>What the gates read of a fetched table, for the journal.</summary>
internal sealed record SourceShape(int Rows, IReadOnlyList<string> Columns, int EmptyEmails);

/// <summary>
/// The gates a fetched source passes before anything is sent: not a table (HTML, JSON, a login page),
/// header only, cut mid-record, older than <c>MaxAge</c>, a column the last good fetch used now missing,
/// far fewer rows than the last good fetch, emails empty on too many rows. The table is read once here, in the
/// first pass that opening it makes.
/// Each refusal is a <see cref="SourceRefusedException"/> with one line.
/// </summary>
internal static class SourceGates
{
    public static SourceShape Check(FetchedSource fetched, SourceBaseline? baseline, Func<string, IReadOnlyList<IRowScanner>, InputTable> open, DateTimeOffset now)
    {
        var source = fetched.Source;
        var gates = source.Gates;
        var what = $"source {source.Display}";
        if (fetched.Size == 0 && gates.RefuseHeaderOnly)
        {
            throw new SourceRefusedException($"{what} is empty: it sent no bytes; nothing was sent");
        }

        if (gates.RefuseNotTable && NotATable(fetched) is { } kind)
        {
            throw new SourceRefusedException($"{what} is not a table: it is {kind} (a login or error page served with 200?); nothing was sent");
        }

        if (gates.MaxAge is { } maxAge && fetched.Metadata.LastModified is { } changed && now - changed > maxAge)
        {
            throw new SourceRefusedException(
                $"{what} is stale: last modified {changed.ToUniversalTime():u}, {Describe(now - changed)} ago, more than Sources:MaxAge ({Describe(maxAge)}); nothing was sent");
        }

        try
        {
            return Read(fetched, baseline, open, what);
        }
        catch (InputException ex) when (ex.Problem == InputProblem.NoDataRows && gates.RefuseHeaderOnly)
        {
            throw new SourceRefusedException($"{what} has a header but no rows; nothing was sent", ex);
        }
        catch (InputException ex) when (gates.RefuseNotTable)
        {
            // A body cut inside a quoted field, a file with no email column, a login page as plain text: not a
            // roster, whatever the reason. Named by the source, not by its temporary copy.
            throw new SourceRefusedException($"{what} cannot be read as a roster: {ex.Message.Replace(fetched.Path, source.FileName, StringComparison.Ordinal)}; nothing was sent", ex);
        }
    }

    private static SourceShape Read(FetchedSource fetched, SourceBaseline? baseline, Func<string, IReadOnlyList<IRowScanner>, InputTable> open, string what)
    {
        var gates = fetched.Source.Gates;

        // The rows are counted in the first pass over the file, the one opening it makes; the second is not begun.
        var tally = new RowTally();
        using (var table = open(fetched.Path, [tally]))
        {
            var headerCount = table.Columns.HeaderCells.Count;
            var columns = Enumerable.Range(0, headerCount).Where(i => table.Columns.FieldAt(i) is not null)
                .Select(i => $"{table.Columns.FieldAt(i)}={table.Columns.HeaderCells[i].Trim()}").ToList();
            var (rows, emptyEmails, addresses, last) = (tally.Rows, tally.EmptyEmails, tally.Addresses, tally.Last);

            // A login page as plain text ("Sign in / Email / Password") reads as a table with an Email header
            // and rows; it must not become the source's last good fetch. A roster's emails are addresses.
            if (gates.RefuseNotTable && rows > 0 && addresses * 2 < rows)
            {
                throw new SourceRefusedException(
                    $"{what} is not a roster: only {addresses} of its {rows} rows have an email address (a login or error page served as text?); nothing was sent");
            }

            if (gates.RefuseTruncated && !table.IsWorkbook && last.Cells is { } cells && cells.Length < headerCount && !EndsWithLineBreak(fetched.Path))
            {
                throw new SourceRefusedException($"{what} was cut mid-record: its last row (row {last.RowNumber}) has {cells.Length} of {headerCount} columns and no line end; nothing was sent");
            }

            if (gates.RefuseMissingColumns && baseline is not null && columns.Count > 0 && baseline.Columns.Except(columns, StringComparer.OrdinalIgnoreCase).ToList() is [var missing, ..])
            {
                var (field, header) = Split(missing);
                throw new SourceRefusedException(
                    $"{what} changed shape: the column '{header}' ({field}) that its last good fetch{RunText(baseline)} used is missing; nothing was sent");
            }

            if (baseline is { Rows: > 0 } && gates.MinRowsPercent > 0 && rows * 100.0 <= baseline.Rows * gates.MinRowsPercent)
            {
                throw new SourceRefusedException(
                    $"{what} has {rows} rows, {Percent(rows * 100.0 / baseline.Rows)}% of the {baseline.Rows} of its last good fetch{RunText(baseline)}, not above Sources:MinRowsPercent ({Percent(gates.MinRowsPercent)}%); nothing was sent");
            }

            if (rows > 0 && emptyEmails * 100.0 > rows * gates.MaxEmptyEmailPercent)
            {
                throw new SourceRefusedException(
                    $"{what} has an empty email on {emptyEmails} of {rows} rows ({Percent(emptyEmails * 100.0 / rows)}%), more than Sources:MaxEmptyEmailPercent ({Percent(gates.MaxEmptyEmailPercent)}%); nothing was sent");
            }

            return new SourceShape(rows, columns, emptyEmails);
        }
    }

    /// <summary>What the gates count of a table's rows, as the first pass over it shows them.</summary>
    private sealed class RowTally : IRowScanner
    {
        private ColumnMap? _columns;

        public int Rows { get; private set; }

        public int EmptyEmails { get; private set; }

        public int Addresses { get; private set; }

        public RawRecord Last { get; private set; }

        public bool Start(ColumnMap columns)
        {
            (_columns, Rows, EmptyEmails, Addresses, Last) = (columns, 0, 0, 0, default);
            return true;
        }

        public void Scan(RawRecord row)
        {
            Rows++;
            Last = row;
            var email = _columns!.Get(row.Cells, Field.Email);
            if (string.IsNullOrWhiteSpace(email))
            {
                EmptyEmails++;
            }
            else if (email.Contains('@', StringComparison.Ordinal))
            {
                Addresses++;
            }
        }
    }

    /// <summary>What the body is when it is plainly not a table: HTML or XML, JSON; <c>null</c> when it may be one.</summary>
    private static string? NotATable(FetchedSource fetched)
    {
        var type = fetched.Metadata.ContentType?.ToLowerInvariant();
        if (type is "text/html" or "application/xhtml+xml")
        {
            return "an HTML page (Content-Type " + type + ")";
        }

        if (type is "application/json" or "application/problem+json")
        {
            return "JSON (Content-Type " + type + ")";
        }

        var head = new byte[512];
        int read;
        using (var stream = File.OpenRead(fetched.Path))
        {
            read = stream.Read(head, 0, head.Length);
        }

        var text = Encoding.UTF8.GetString(head, 0, read).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return text.StartsWith('<') ? "an HTML or XML page"
            : text.StartsWith('{') || text.StartsWith('[') ? "JSON"
            : null;
    }

    private static bool EndsWithLineBreak(string path)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length == 0)
        {
            return false;
        }

        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() is '\n' or '\r';
    }

    private static (string Field, string Header) Split(string column)
    {
        var at = column.IndexOf('=', StringComparison.Ordinal);
        return at < 0 ? (column, column) : (column[..at], column[(at + 1)..]);
    }

    private static string RunText(SourceBaseline baseline) => baseline.RunId is { } run ? $" (run {run})" : string.Empty;

    private static string Percent(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{Percent(span.TotalDays)} days" : span.TotalHours >= 1 ? $"{Percent(span.TotalHours)} hours" : $"{Percent(span.TotalMinutes)} minutes";
}
