using BulkOnboard.Sandbox;
using Microsoft.Extensions.Configuration;

namespace BulkOnboard.Cli.Hosting;

/// <summary><c>--sandbox</c>: starts the sandbox on a free loopback port and points the Tallyfy settings at it.</summary>
internal static class InProcessSandbox
{
    /// <summary>Where <c>--sandbox</c> runs keep their journal when <c>Journal:Path</c> names none.</summary>
    public static string TrialJournal => Path.Combine(Path.GetTempPath(), "bulkonboard-sandbox", "journal.db");

    /// <summary>The journal a trial (or <c>history --sandbox</c>) uses when neither the configuration nor the command's settings name one; else <c>null</c>.</summary>
    public static string? TrialJournalFor(IConfiguration configuration, IReadOnlyDictionary<string, string?> settings) =>
        string.IsNullOrWhiteSpace(configuration["Journal:Path"]) && !settings.ContainsKey("Journal:Path") ? TrialJournal : null;

    /// <summary>
    /// Said after a <c>--sandbox</c> run: a re-run sends everything again, rightly, since this sandbox starts
    /// empty; a newcomer who wants to see a re-run send nothing needs a sandbox that outlives the run.
    /// </summary>
    public const string ReRunHint = "Note: the built-in sandbox starts empty each time, so a re-run sends everything again. To see a re-run send nothing, "
        + "start 'bulkonboard sandbox' in another terminal and set the Tallyfy__BaseUrl, Tallyfy__OrganizationId and Tallyfy__AccessToken it prints (README, \"Try it\").";

    public static async Task<SandboxServer> StartAsync(IConfiguration configuration, Dictionary<string, string?> settings, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var options = configuration.GetSection(SandboxOptions.Section).Get<SandboxOptions>() ?? new SandboxOptions();
        options.Port = 0;
        var sandbox = await SandboxServer.StartAsync(options, cancellationToken: cancellationToken);
        settings["Tallyfy:BaseUrl"] = sandbox.BaseUrl.ToString();

        // Its port changes with every run, and each run's sandbox starts empty: the rows' journal is kept per
        // sandbox (it must not claim people this one never saw), a source's history across them all.
        settings[Pipeline.SourceStage.HistoryEndpointKey] = "sandbox";
        settings["Tallyfy:OrganizationId"] = options.OrganizationId;
        settings["Tallyfy:AccessToken"] = options.AccessToken;
        settings["Tallyfy:AccessTokenFile"] = null;
        settings["Tallyfy:ClientId"] = null;
        settings["Tallyfy:ClientSecret"] = null;

        // A trial never writes into the real journal (it would show in history among real runs, and a real
        // run's lock would block it): it has its own, in the temporary folder, unless Journal:Path names one.
        if (TrialJournalFor(configuration, settings) is { } trial)
        {
            settings["Journal:Path"] = trial;
        }

        environment.Out.WriteLine($"Using the built-in sandbox at {sandbox.BaseUrl} (a local stand-in for Tallyfy: nothing leaves this machine).");
        return sandbox;
    }
}
