namespace BulkOnboard.Watching;

/// <summary>The watched-folder service. Section <c>Watch</c>.</summary>
internal sealed class WatchOptions
{
    public const string Section = "Watch";

    /// <summary>Where HR drops files (<c>--inbox</c>). Default <c>inbox</c> in the working directory.</summary>
    public string Inbox { get; set; } = "inbox";

    /// <summary>Files being imported. Default <c>&lt;inbox&gt;/processing</c>.</summary>
    public string? Processing { get; set; }

    /// <summary>Files imported (exit 0 or 2). Default <c>&lt;inbox&gt;/done</c>.</summary>
    public string? Done { get; set; }

    /// <summary>Files that could not be read, or whose run was aborted. Default <c>&lt;inbox&gt;/failed</c>.</summary>
    public string? Failed { get; set; }

    /// <summary>Report files. Default <c>&lt;inbox&gt;/reports</c>.</summary>
    public string? Reports { get; set; }

    /// <summary>How long a file's size and timestamp must stay unchanged before it is taken. Default 5 seconds.</summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the inbox is scanned besides file-system events (which miss changes on network shares). Default 10 seconds.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopping service waits for requests in flight. Default 30 seconds (never less than the run's own hard stop: <see cref="HostShutdownTimeout"/>).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time a stopping run needs after its hard stop to report its rows and file its file.</summary>
    public static readonly TimeSpan ReportingAfterHardStop = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The host's shutdown timeout: <see cref="ShutdownTimeout"/>, but never less than the run's own hard stop
    /// (<c>Delivery:Timeout</c> + 5 s) plus <see cref="ReportingAfterHardStop"/>, so the host never disposes
    /// services under rows that are still finishing.
    /// </summary>
    public TimeSpan HostShutdownTimeout(Configuration.DeliveryOptions delivery) =>
        ShutdownTimeout > delivery.HardStopGrace + ReportingAfterHardStop ? ShutdownTimeout : delivery.HardStopGrace + ReportingAfterHardStop;

    /// <summary>JSON status for monitoring. Default <c>&lt;inbox&gt;/status.json</c>.</summary>
    public string? StatusFile { get; set; }

    /// <summary>
    /// What a dropped file is: <c>import</c> (default; its people are added) or <c>sync</c> (the full
    /// roster, applied as <c>sync --yes</c> does, within the guards).
    /// </summary>
    public string Mode { get; set; } = "import";

    /// <summary>How often a file is expected; when none arrives in that time, an alert is sent (<c>Notify:*</c>). Off by default.</summary>
    public TimeSpan? ExpectFileEvery { get; set; }

    /// <summary>
    /// How many files are imported side by side (<c>Watch:Mode=import</c>), sharing the organization's pace
    /// and limits: a file whose guests wait for Tallyfy's hourly cap never holds a members file behind it.
    /// A roster (<c>Watch:Mode=sync</c>) is always applied alone. Default 2.
    /// </summary>
    public int ParallelFiles { get; set; } = 2;

    /// <summary>Files taken at once: <see cref="ParallelFiles"/> for imports, one roster at a time for sync.</summary>
    public int FilesAtOnce => IsSync ? 1 : Math.Max(1, ParallelFiles);

    public bool IsSync => string.Equals(Mode?.Trim(), "sync", StringComparison.OrdinalIgnoreCase);

    /// <summary>The folders, made absolute and with their defaults.</summary>
    public WatchFolders Resolve()
    {
        var inbox = Path.GetFullPath(Inbox);
        string Under(string? configured, string name) => Path.GetFullPath(configured ?? Path.Combine(inbox, name));
        return new WatchFolders(inbox, Under(Processing, "processing"), Under(Done, "done"), Under(Failed, "failed"), Under(Reports, "reports"),
            Path.GetFullPath(StatusFile ?? Path.Combine(inbox, "status.json")));
    }
}

/// <summary>The watched folders, absolute.</summary>
internal sealed record WatchFolders(string Inbox, string Processing, string Done, string Failed, string Reports, string StatusFile)
{
    /// <summary>
    /// The service's own entries, never taken as input even when they sit in the inbox: the status file, and
    /// its folders (a folder replaced by a file is the service's trouble, not HR's file).
    /// </summary>
    public string[] Own => [StatusFile, Processing, Done, Failed, Reports];

    public void Create()
    {
        foreach (var folder in new[] { Inbox, Processing, Done, Failed, Reports })
        {
            Storage.PrivateFiles.CreateFolder(folder);
        }
    }
}
