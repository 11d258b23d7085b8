namespace BulkOnboard.Journal;

/// <summary>Where each row's fate is recorded across runs. Section <c>Journal</c>.</summary>
internal sealed class JournalOptions
{
    public const string Section = "Journal";

    /// <summary>
    /// The SQLite file. Default <c>BulkOnboard/journal.db</c> under the user's local application data;
    /// a relative path is resolved against the working directory.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Whether imports consult and record the journal. Default <c>true</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a write waits while another process holds the journal file locked; past it the journal
    /// counts as unavailable and the run stops sending (exit 3). Default 10 seconds; Microsoft.Data.Sqlite
    /// counts its retries in whole seconds, so a shorter wait is rounded up to one second.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = JournalFile.DefaultBusyTimeout;

    public string ResolvePath() =>
        string.IsNullOrWhiteSpace(Path)
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "BulkOnboard", "journal.db")
            : System.IO.Path.GetFullPath(Path);
}
