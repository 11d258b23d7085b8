using System.CommandLine;
using System.Globalization;
using BulkOnboard.Cli.Hosting;
using Serilog.Events;

namespace BulkOnboard.Cli.Commands;

/// <summary>
/// The options PRODUCT.md calls common, defined once and turned into settings keys. <c>validate</c>
/// accepts the sending options too (hidden: a script may pass the same options to every command) but
/// nothing is sent, so they change nothing there.
/// </summary>
internal sealed class CommonOptions
{
    public Option<string?> Kind { get; } = new("--kind") { Description = "Kind of every row when the file has no kind column: guest or member [Import:DefaultKind]" };
    public Option<string?> Out { get; } = new("--out") { Description = "Folder for the report files [Import:ReportFolder, default reports/]" };
    public Option<string?> Sheet { get; } = new("--sheet") { Description = "Worksheet to read from a workbook [Import:Sheet, default the first]" };
    public Option<string?> Mapping { get; } = new("--mapping") { Description = "Mapping file (JSON or YAML): which column feeds which field, value maps, defaults, include/exclude row filters [Import:Mapping]" };
    public Option<string?> Config { get; } = new("--config") { Description = "Extra JSON settings file, ranked above appsettings.json and environment variables" };
    public Option<bool> Sandbox { get; } = new("--sandbox") { Description = "Start the built-in sandbox API on a free loopback port and send there (no Tallyfy account needed)" };
    public Option<int?> RateLimit { get; } = NumberOptions.Whole("--rate-limit", "The most requests per minute you allow, shared by all workers; below it the pace follows the API's limits [Delivery:RequestsPerMinute, default 100]", 1, 600_000);
    public Option<int?> Concurrency { get; } = NumberOptions.Whole("--concurrency", "Requests in flight at once [Delivery:MaxConcurrency, default 4]", 1, 256);
    public Option<string?> TokenFile { get; } = new("--token-file") { Description = "File holding the access token (keeps it out of the process list)" };
    public Option<bool> Force { get; } = new("--force") { Description = "Send rows again even when the journal says an earlier run did them [Import:Force]" };
    public Option<string?> OnExisting { get; } = new("--on-existing") { Description = "A guest Tallyfy already has: skip it, or update its details (members are never updated) [Import:OnExisting, default skip]" };
    public Option<bool> Preflight { get; } = new("--preflight") { Description = "Always list the guests and members Tallyfy already has before sending, so they cost no create request [Import:Preflight; by default on when the listing costs at most one request per 10 rows of its kind]" };
    public Option<bool> NoPreflight { get; } = new("--no-preflight") { Description = "Never list what Tallyfy has before sending [Import:Preflight=false]" };

    public CommonOptions()
    {
        OnExisting.AcceptOnlyFromAmong("skip", "update");
        foreach (var option in new[] { Out, Sheet, Mapping, Config, TokenFile, Kind })
        {
            RequireText(option);
        }
    }

    /// <summary>An option whose value is a name or a path: an empty one is a mistake (an unset variable in a script), said at once.</summary>
    public static void RequireText(Option<string?> option) => option.Validators.Add(result =>
    {
        if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string?>()))
        {
            result.AddError($"{option.Name} is empty; give a {(option.Name == "--kind" ? "kind (guest or member)" : option.Name == "--sheet" ? "worksheet name" : option.Name is "--out" or "--inbox" ? "folder" : "file")}");
        }
    });

    /// <summary>Adds the options to <paramref name="command"/>; the sending ones hidden when it sends nothing.</summary>
    /// <param name="importOnly">Hide the options only an import uses (<c>--force</c>, <c>--on-existing</c>, the preflight): a sync always lists Tallyfy and plans from it.</param>
    /// <param name="readsNoFile">
    /// Hide the options about reading a file and pacing a run too (<c>--kind</c>, <c>--sheet</c>, <c>--mapping</c>,
    /// <c>--rate-limit</c>, <c>--concurrency</c>): <c>doctor</c> checks the target and sends no row. They stay accepted.
    /// </param>
    public void AddTo(Command command, bool sends, bool withOut = true, bool importOnly = false, bool readsNoFile = false)
    {
        foreach (var option in new Option[] { Kind, Sheet, Mapping, Config })
        {
            option.Hidden = readsNoFile && option != Config;
            command.Add(option);
        }

        if (withOut)
        {
            command.Add(Out);
        }

        foreach (var option in new Option[] { Sandbox, RateLimit, Concurrency, TokenFile, Force, OnExisting, Preflight, NoPreflight })
        {
            option.Hidden = !sends || (importOnly && (option == Force || option == OnExisting || option == Preflight || option == NoPreflight))
                || (readsNoFile && (option == RateLimit || option == Concurrency));
            command.Add(option);
        }

        command.Validators.Add(result =>
        {
            if (result.GetValue(Preflight) && result.GetValue(NoPreflight))
            {
                result.AddError("--preflight and --no-preflight contradict each other; give one");
            }
        });
    }

    /// <summary>The settings the options given on the command line stand for.</summary>
    public Dictionary<string, string?> ToSettings(ParseResult parse, string reportFolderKey = "Import:ReportFolder")
    {
        var settings = new Dictionary<string, string?>();
        void Put(string key, string? value)
        {
            if (value is not null)
            {
                settings[key] = value;
            }
        }

        Put("Import:DefaultKind", parse.GetValue(Kind));
        Put(reportFolderKey, parse.GetValue(Out) is { } folder ? Path.GetFullPath(folder) : null);
        Put("Import:Sheet", parse.GetValue(Sheet));
        Put("Import:Mapping", parse.GetValue(Mapping) is { } mapping ? Path.GetFullPath(mapping) : null);
        Put("Delivery:RequestsPerMinute", parse.GetValue(RateLimit)?.ToString(CultureInfo.InvariantCulture));
        Put("Delivery:MaxConcurrency", parse.GetValue(Concurrency)?.ToString(CultureInfo.InvariantCulture));
        Put("Import:OnExisting", parse.GetValue(OnExisting));
        Put("Import:Force", parse.GetValue(Force) ? "true" : null);
        Put("Import:Preflight", parse.GetValue(Preflight) ? "true" : parse.GetValue(NoPreflight) ? "false" : null);
        if (parse.GetValue(TokenFile) is { } path)
        {
            // The file named on the command line wins over a token from settings.
            settings["Tallyfy:AccessTokenFile"] = Path.GetFullPath(path);
            settings["Tallyfy:AccessToken"] = string.Empty;
        }

        return settings;
    }

    /// <summary>
    /// The host of a command that sends (sync, due): these options as settings, <c>--config</c> and
    /// <c>--sandbox</c>; the console shows warnings while a person watches, information when unattended.
    /// </summary>
    /// <param name="onlyReports">The command only prints what it finds (<c>doctor</c>): no log file unless it fails.</param>
    public Task<CommandHost> BuildSendingHostAsync(CliEnvironment environment, ParseResult parse, CancellationToken cancellationToken, bool onlyReports = false) =>
        CommandHost.BuildAsync(environment, parse.GetValue(Config), ToSettings(parse), parse.GetValue(Sandbox), sendsRequests: true,
            environment.Interactive ? LogEventLevel.Warning : LogEventLevel.Information, cancellationToken, onlyReports: onlyReports);
}
