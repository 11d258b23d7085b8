namespace BulkOnboard.Input;

/// <summary>Reads the records of one table (a CSV file or a worksheet), numbered as a spreadsheet shows them.</summary>
internal interface ITableReader : IDisposable
{
    /// <summary>A short description of the format found, for the log ("CSV, UTF-8 with BOM, ';'").</summary>
    string Description { get; }

    /// <summary>Problems in the input that were read past rather than refused, one line each, for the log.</summary>
    IReadOnlyList<string> Warnings => [];

    IEnumerable<RawRecord> ReadRecords(CancellationToken cancellationToken);
}
