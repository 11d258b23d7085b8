namespace BulkOnboard.Input;

/// <summary>
/// Sees the data rows of the first pass over a file (<see cref="FirstPass"/>), the pass made before any row is
/// used: what must be known of the whole file before its first row is validated (how its date columns are read,
/// whether a source passes its gates) is learned there, not in a read of its own.
/// </summary>
internal interface IRowScanner
{
    /// <summary>
    /// The header is found; returns whether this scanner wants the rows (when none does, the pass decodes no cell).
    /// Called again, to start afresh, when the pass has to be made again (a file found to be Windows-1252 late).
    /// </summary>
    bool Start(ColumnMap columns);

    /// <summary>One data row (blank rows left out), in file order.</summary>
    void Scan(RawRecord row);
}
