using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace BulkOnboard.Input.Sources;

/// <summary>
/// Turns what was given where a file is accepted (a path, <c>-</c>, a URL, or a source's name) into a
/// <see cref="SourceDefinition"/>, from the <c>Sources</c> section: global settings (<c>Headers</c>, the
/// gates, <c>CaCertificate</c>, <c>HostKey</c>, ...) and named sources (<c>Sources:&lt;name&gt;:Url</c> or
/// <c>:Preset</c>). Secrets come from configuration, the environment or a file, never from the argument.
/// </summary>
internal sealed class SourceResolver(IConfiguration configuration)
{
    public const string Section = "Sources";

    /// <summary>Keys of <c>Sources</c> that are settings, not source names.</summary>
    private static readonly HashSet<string> GlobalKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Headers", "MaxAge", "MinRowsPercent", "MaxEmptyEmailPercent", "RefuseNotTable", "RefuseHeaderOnly", "RefuseTruncated", "RefuseMissingColumns",
        "CaCertificate", "HostKey", "Username", "Password", "PasswordFile", "PrivateKeyFile", "PrivateKeyPassphrase", "MaxBytes", "Timeout", "Deadline",
    };

    private IConfigurationSection Sources => configuration.GetSection(Section);

    /// <summary>The PEM file of a private CA that server certificates may chain to (<c>Sources:CaCertificate</c>), besides the system's.</summary>
    public string? CaCertificate => Text(Sources, "CaCertificate");

    /// <summary>The most a fetched source may hold (<c>Sources:MaxBytes</c>), at most 16 GB.</summary>
    public const long MaxMaxBytes = 16L * 1024 * 1024 * 1024;

    /// <summary>How much a fetch may hold and how long it may take (<c>Sources:MaxBytes</c>, <c>Timeout</c>, <c>Deadline</c>): read, and checked, before anything is fetched.</summary>
    public SourceLimits Limits => new(
        Number(Sources, "MaxBytes", 1, MaxMaxBytes) is { } bytes ? (long)bytes : SourceLimits.Default.MaxBytes,
        Duration(Sources, "Timeout", positive: true) ?? SourceLimits.Default.Timeout,
        Duration(Sources, "Deadline", positive: true) ?? SourceLimits.Default.Deadline);

    /// <summary>The named sources the watch service polls (those with <c>Every</c>).</summary>
    public IReadOnlyList<SourceDefinition> Polled() =>
        Sources.GetChildren().Where(IsNamedSource).Select(s => Named(s.Key, s)).Where(s => s.Every is { } every && every > TimeSpan.Zero).ToList();

    /// <summary>Whether <paramref name="argument"/> is read as a plain local file (no fetch, no gate).</summary>
    public bool IsPlainFile(string argument) => Resolve(argument).Kind == SourceKind.File;

    public SourceDefinition Resolve(string argument)
    {
        var gates = Gates(Sources, new SourceGateSettings());
        if (argument == "-")
        {
            return new SourceDefinition(SourceKind.StandardInput, argument, null, null, "standard input", null, "stdin.csv", gates);
        }

        if (!GlobalKeys.Contains(argument) && Sources.GetSection(argument) is var named && IsNamedSource(named))
        {
            return Named(argument, named);
        }

        if (argument.Contains("://", StringComparison.Ordinal) && SafeText.ControlProblem(argument) is { } problem)
        {
            throw new InputException($"{Redact(SafeText.Of(argument))}: the URL {problem}; a URL is one line");
        }

        if (!argument.Contains("://", StringComparison.Ordinal))
        {
            return new SourceDefinition(SourceKind.File, argument, null, null, argument, null, Path.GetFileName(argument), gates);
        }

        if (!Uri.TryCreate(argument, UriKind.Absolute, out var url))
        {
            throw new InputException($"{Redact(argument)}: not a valid URL");
        }

        return AdHoc(url, gates);
    }

    private SourceDefinition AdHoc(Uri url, SourceGateSettings gates)
    {
        var kind = KindOf(url, url.GetLeftPart(UriPartial.Path));
        var headers = Headers(Sources);
        var (user, password) = Credentials(Sources, "Sources");
        // The journal tells ad-hoc URLs apart by their query too, kept as a hash (it may hold a token).
        var identity = url.Query.Length > 1 ? $"{Display(url)}?sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url.Query)))[..16]}" : Display(url);
        return new SourceDefinition(kind, url.OriginalString, null, url, Display(url), identity, FileNameOf(url, null), gates)
        {
            Headers = kind == SourceKind.Http ? headers : new Dictionary<string, string>(),
            Username = string.IsNullOrEmpty(url.UserInfo) ? user : Uri.UnescapeDataString(url.UserInfo.Split(':')[0]),
            Password = password,
            HostKey = Text(Sources, "HostKey"),
            PrivateKeyFile = Text(Sources, "PrivateKeyFile"),
            PrivateKeyPassphrase = Text(Sources, "PrivateKeyPassphrase"),
        };
    }

    private SourceDefinition Named(string name, IConfigurationSection section)
    {
        var where = $"Sources:{name}";
        var gates = Gates(section, Gates(Sources, new SourceGateSettings()));
        var (user, password) = Credentials(section, where);
        var url = Text(section, "Preset")?.ToLowerInvariant() switch
        {
            null => Text(section, "Url"),
            "workday-raas" => $"{Base(section, $"https://{Required(section, where, "Host")}")}/ccx/service/customreport2/{Escape(Required(section, where, "Tenant"))}/{Escape(Required(section, where, "Owner"))}/{Escape(Required(section, where, "Report"))}?format=csv",
            "bamboohr-report" => $"{Base(section, "https://api.bamboohr.com")}/api/gateway.php/{Escape(Required(section, where, "Subdomain"))}/v1/reports/{Escape(Required(section, where, "ReportId"))}?format=CSV&onlyCurrent=false",
            var other => throw new InputException($"{where}:Preset is '{other}'; use workday-raas or bamboohr-report (or set {where}:Url)"),
        };
        if (string.Equals(Text(section, "Preset"), "bamboohr-report", StringComparison.OrdinalIgnoreCase))
        {
            // BambooHR: the API key is the basic-auth user, the password anything ("x").
            user = Secret(section, where, "ApiKey") ?? throw new InputException($"{where}: the bamboohr-report preset needs {where}:ApiKey (or ApiKeyFile)");
            password = "x";
        }

        if (SafeText.ControlProblem(url) is { } problem)
        {
            throw new InputException($"{where}:Url {problem}; a URL is one line");
        }

        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new InputException($"{where}:Url is not set or not a valid URL");
        }

        var headers = Headers(section);
        return new SourceDefinition(KindOf(uri, where), name, name, uri, Display(uri), $"source:{name}", FileNameOf(uri, name), gates)
        {
            Headers = headers,
            Username = string.IsNullOrEmpty(uri.UserInfo) ? user : Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]),
            Password = password,
            HostKey = Text(section, "HostKey") ?? Text(Sources, "HostKey"),
            PrivateKeyFile = Text(section, "PrivateKeyFile") ?? Text(Sources, "PrivateKeyFile"),
            PrivateKeyPassphrase = Text(section, "PrivateKeyPassphrase") ?? Text(Sources, "PrivateKeyPassphrase"),
            Every = Duration(section, "Every"),
        };
    }

    private static SourceKind KindOf(Uri url, string what)
    {
        if (url.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            // A password in the URL would show in the process list and in shell history.
            throw new InputException($"{Display(url)}: a password in the URL is not accepted; set it in configuration, the environment or a file (Sources:Password or PasswordFile)");
        }

        return url.Scheme.ToLowerInvariant() switch
        {
            "https" => SourceKind.Http,
            "http" when IsLoopback(url) => SourceKind.Http,
            "http" => throw new InputException($"{Display(url)}: plain http:// is accepted only to a loopback address; use https://"),
            "sftp" => SourceKind.Sftp,
            _ => throw new InputException($"{Display(url)}: the scheme {url.Scheme}:// is not a source; use https://, sftp://, a file or - (standard input)"),
        };
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool IsNamedSource(IConfigurationSection section) =>
        !GlobalKeys.Contains(section.Key) && (section["Url"] is not null || section["Preset"] is not null);

    private static (string? User, string? Password) Credentials(IConfigurationSection section, string where) =>
        (Text(section, "Username"), Secret(section, where, "Password"));

    /// <summary>
    /// The request headers of <paramref name="section"/> (<c>Headers:&lt;Header&gt;</c>). A line break or another
    /// control character in a name or value is refused, without showing the value: sent, it would start a
    /// header (or end the header block) of its own.
    /// </summary>
    private static Dictionary<string, string> Headers(IConfigurationSection section)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in section.GetSection("Headers").GetChildren().Where(h => h.Value is not null))
        {
            if ((SafeText.ControlProblem(header.Key) ?? SafeText.ControlProblem(header.Value)) is { } problem)
            {
                throw new InputException($"{section.Path}:Headers:{SafeText.Of(header.Key)} {problem}; a header is one line");
            }

            headers[header.Key] = header.Value!;
        }

        return headers;
    }

    /// <summary>
    /// A secret from <c>&lt;key&gt;</c> (configuration, environment) or <c>&lt;key&gt;File</c>. A file loses one
    /// trailing line break (a mounted Kubernetes secret ends with one); any other control character in it is refused.
    /// </summary>
    private static string? Secret(IConfigurationSection section, string where, string key)
    {
        if (Text(section, key) is { } value)
        {
            return SafeText.ControlProblem(value) is { } problem ? throw new InputException($"{where}:{key} {problem}; a secret is one line") : value;
        }

        if (Text(section, key + "File") is not { } file)
        {
            return null;
        }

        var text = InputFile.ReadSmallText(file, $"{where}:{key}File");
        text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        return SafeText.ControlProblem(text) is { } fileProblem
            ? throw new InputException($"{where}:{key}File {file}: the secret {fileProblem}; a secret is one line (one line break at the end is fine)")
            : text;
    }

    private static string Required(IConfigurationSection section, string where, string key) =>
        Text(section, key) ?? throw new InputException($"{where}:{key} is not set (the preset needs it)");

    private static string Base(IConfigurationSection section, string fallback) => (Text(section, "BaseUrl") ?? fallback).TrimEnd('/');

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static SourceGateSettings Gates(IConfigurationSection section, SourceGateSettings inherited) => new(
        Duration(section, "MaxAge") ?? inherited.MaxAge,
        Number(section, "MinRowsPercent", 0, 100) ?? inherited.MinRowsPercent,
        Number(section, "MaxEmptyEmailPercent", 0, 100) ?? inherited.MaxEmptyEmailPercent,
        Flag(section, "RefuseNotTable") ?? inherited.RefuseNotTable,
        Flag(section, "RefuseHeaderOnly") ?? inherited.RefuseHeaderOnly,
        Flag(section, "RefuseTruncated") ?? inherited.RefuseTruncated,
        Flag(section, "RefuseMissingColumns") ?? inherited.RefuseMissingColumns);

    private static string? Text(IConfigurationSection section, string key) => section[key] is { Length: > 0 } value ? value.Trim() : null;

    /// <summary>A number's or a duration's text: <c>null</c> when not set; set but empty is a mistake (an unset variable in a script), said at once.</summary>
    private static string? NumberText(IConfigurationSection section, string key) => section[key] switch
    {
        null => null,
        var value when string.IsNullOrWhiteSpace(value) => throw new InputException($"{Name(section, key)} is empty; give a value or leave it out"),
        var value => value.Trim(),
    };

    private static string Name(IConfigurationSection section, string key) =>
        $"{section.Path}:{key} ({section.Path.Replace(":", "__", StringComparison.Ordinal)}__{key})";

    private static TimeSpan? Duration(IConfigurationSection section, string key, bool positive = false) =>
        NumberText(section, key) is not { } text ? null
        : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && (positive ? value > TimeSpan.Zero : value >= TimeSpan.Zero) ? value
        : throw new InputException($"{Name(section, key)} is '{SafeText.Of(text)}', not a {(positive ? "positive " : string.Empty)}duration; use the form 1.00:00:00");

    private static double? Number(IConfigurationSection section, string key, double min, double max) =>
        NumberText(section, key) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
        : throw new InputException($"{Name(section, key)} is '{SafeText.Of(text)}', not a number from {min} to {max}");

    private static bool? Flag(IConfigurationSection section, string key) =>
        Text(section, key) is not { } text ? null
        : bool.TryParse(text, out var value) ? value
        : throw new InputException($"{section.Path}:{key} is '{text}'; use true or false");

    /// <summary>A URL as it may be logged: scheme, host, port and path; no user info, no query string.</summary>
    public static string Display(Uri url) => $"{url.Scheme}://{url.Authority}{url.AbsolutePath}";

    private static string Redact(string argument)
    {
        var cut = argument.IndexOfAny(['?', '#']);
        var text = cut < 0 ? argument : argument[..cut];
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        return at > scheme && scheme >= 0 ? text[..(scheme + 3)] + text[(at + 1)..] : text;
    }

    /// <summary>The temporary file's name: the source's name, else the URL's last segment; an extension the readers know.</summary>
    private static string FileNameOf(Uri url, string? name)
    {
        var last = Path.GetFileName(Uri.UnescapeDataString(url.AbsolutePath.TrimEnd('/')));
        var extension = Path.GetExtension(last).ToLowerInvariant() is ".csv" or ".tsv" or ".txt" or ".xlsx" or ".xls" ? Path.GetExtension(last) : ".csv";
        var stem = name ?? (Path.GetFileNameWithoutExtension(last) is { Length: > 0 } s ? s : url.Host);
        var safe = new string(stem.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return safe + extension;
    }
}
