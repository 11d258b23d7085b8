namespace BulkOnboard.Input.Sources;

/// <summary>Where a source is read from.</summary>
internal enum SourceKind
{
    /// <summary>A local file: read as it always was, no gate.</summary>
    File,

    /// <summary><c>-</c>: standard input, copied to a temporary file.</summary>
    StandardInput,

    /// <summary><c>https://</c> (or <c>http://</c> to a loopback address).</summary>
    Http,

    /// <summary><c>sftp://user@host[:port]/path</c>.</summary>
    Sftp,
}

/// <summary>
/// One source, resolved from what was given where a file is accepted and from <c>Sources:*</c>.
/// <see cref="Display"/> is safe to log (no user info, no query string); the secrets are only ever sent.
/// </summary>
/// <param name="Name">The named source (<c>Sources:&lt;name&gt;</c>), or <c>null</c> for an ad-hoc path or URL.</param>
/// <param name="Identity">What the journal knows this source by (named: its name; ad hoc: the URL without user info); <c>null</c> for standard input.</param>
/// <param name="FileName">The temporary file's name, so reports read well (<c>report.csv</c>).</param>
internal sealed record SourceDefinition(SourceKind Kind, string Argument, string? Name, Uri? Url, string Display, string? Identity, string FileName, SourceGateSettings Gates)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>The pinned SSH host key, <c>SHA256:...</c> as <c>ssh-keygen -lf</c> prints it.</summary>
    public string? HostKey { get; init; }

    public string? PrivateKeyFile { get; init; }

    public string? PrivateKeyPassphrase { get; init; }

    /// <summary>How often the watch service polls this named source; <c>null</c>: never.</summary>
    public TimeSpan? Every { get; init; }

    /// <summary>The values that must never reach a log, report or notification.</summary>
    public IEnumerable<string> Secrets =>
        new[] { Password, PrivateKeyPassphrase, Url?.UserInfo, Url?.Query.TrimStart('?') }.Concat(Headers.Values).OfType<string>().Where(s => s.Length >= 4);
}

/// <summary>
/// The gates a fetched source passes before anything is sent (<c>Sources:*</c>, a named source may
/// override each). Defaults: every shape check on, no age limit, 50% of the last good fetch's rows, 1% empty emails.
/// </summary>
internal sealed record SourceGateSettings(
    TimeSpan? MaxAge = null,
    double MinRowsPercent = 50,
    double MaxEmptyEmailPercent = 1,
    bool RefuseNotTable = true,
    bool RefuseHeaderOnly = true,
    bool RefuseTruncated = true,
    bool RefuseMissingColumns = true);
