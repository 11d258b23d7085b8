namespace BulkOnboard.Pipeline;

/// <summary>Whether rows are sent, or only validated.</summary>
internal enum RunMode
{
    Import,
    Validate,
}

/// <summary>One run over one input file.</summary>
/// <param name="Journal">Where the run records each row's fate, when it does (imports).</param>
/// <param name="ReportFolder">Where the reports go, instead of <c>Import:ReportFolder</c> (the watched folder's reports).</param>
internal sealed record RunRequest(string InputPath, RunMode Mode, JournalRequest? Journal = null, string? ReportFolder = null)
{
    /// <summary>What the input is called in the summary, the journal and the log: a source's address (without secrets), else the file's full path.</summary>
    public string? Display { get; init; }

    public string Named => Display ?? Path.GetFullPath(InputPath);
}

/// <summary>The journal an import uses: its file, the organization (on its API endpoint), and <c>--force</c>.</summary>
/// <param name="BusyTimeout">How long a journal write waits for another process's lock before the journal counts as unavailable (<c>Journal:BusyTimeout</c>).</param>
/// <param name="ShareWithinProcess">The watch service's files side by side share one hold on the journal's lock.</param>
internal sealed record JournalRequest(string Path, string Target, bool Force, TimeSpan? BusyTimeout = null, bool ShareWithinProcess = false)
{
    /// <summary>
    /// The journal a run uses, or <c>null</c> when <c>Journal:Enabled</c> is false: keyed by API endpoint and
    /// organization, so another endpoint is another organization.
    /// </summary>
    public static JournalRequest? For(Journal.JournalOptions journal, Configuration.TallyfyOptions tallyfy, bool force) => journal.Enabled
        ? new(journal.ResolvePath(), Journal.RunJournal.Target(tallyfy.BaseUrl, tallyfy.OrganizationId ?? string.Empty), force, journal.BusyTimeout)
        : null;
}
