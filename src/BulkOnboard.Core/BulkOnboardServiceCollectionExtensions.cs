using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Journal;
using BulkOnboard.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard;

/// <summary>Registers the pipeline: options bound and validated at start-up, the Tallyfy client, the runner.</summary>
internal static class BulkOnboardServiceCollectionExtensions
{
    /// <param name="services">The host's services.</param>
    /// <param name="sendsRequests">
    /// Whether this process talks to Tallyfy: then the Tallyfy settings must be complete before the run
    /// starts. <c>validate</c> passes <c>false</c>, so it works without a token.
    /// </param>
    public static IServiceCollection AddBulkOnboard(this IServiceCollection services, bool sendsRequests)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImportOptions>, ImportOptionsValidator>();
        services.AddOptions<ReportsOptions>().BindConfiguration(ReportsOptions.Section).ValidateOnStart();
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>();
        services.AddOptions<JournalOptions>().BindConfiguration(JournalOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JournalOptions>, JournalOptionsValidator>();
        services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SyncOptions>, SyncOptionsValidator>();
        var tallyfy = services.AddOptions<TallyfyOptions>().BindConfiguration(TallyfyOptions.Section);
        services.AddSingleton<IValidateOptions<TallyfyOptions>, TallyfyOptionsValidator>();
        if (sendsRequests)
        {
            tallyfy.ValidateOnStart();
        }

        // Redirects are never followed: a 3xx to a write is not Tallyfy's answer (a proxy, an SSO gateway, a
        // maintenance page), and following one would replay the person's data, or the token, to another origin.
        services.AddHttpClient<TallyfyClient>((provider, http) =>
                TallyfyClient.Configure(http, provider.GetRequiredService<IOptions<TallyfyOptions>>().Value))
            .ConfigurePrimaryHttpMessageHandler(NoRedirects);
        services.AddHttpClient(AccessTokenProvider.HttpClientName, (provider, http) =>
                TallyfyClient.Configure(http, provider.GetRequiredService<IOptions<TallyfyOptions>>().Value))
            .ConfigurePrimaryHttpMessageHandler(NoRedirects);
        services.AddSingleton<AccessTokenProvider>();
        // One gate per process (a command runs one organization): the watch service's files side by side share its pace, holds and caps.
        services.AddSingleton(provider => new RequestGate(provider.GetRequiredService<IOptions<DeliveryOptions>>().Value, provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RequestGate>>()));
        services.AddTransient(RowSender.Create);
        services.AddOptions<NotifyOptions>().BindConfiguration(NotifyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotifyOptions>, NotifyOptionsValidator>();
        services.AddHttpClient(Reporting.RunNotifier.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<Reporting.RunNotifier>();
        services.AddSingleton<Reporting.RunMetrics>();
        services.AddOptions<MonitoringOptions>().BindConfiguration(MonitoringOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>();
        services.AddSingleton<IValidateOptions<ReportsOptions>, ReportsOptionsValidator>();
        services.AddSingleton<ImportRunner>();
        services.AddSingleton<SyncRunner>();
        services.AddSingleton<SyncUndoRunner>();
        services.AddSingleton<DueRunner>();
        services.AddSingleton<ApprovalRunner>();
        services.AddSingleton<Watching.ApprovalPrompts>();
        services.AddTransient<Doctor>();
        services.AddOptions<DatesOptions>().BindConfiguration(DatesOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatesOptions>, DatesOptionsValidator>();
        // The journeys are the configuration's top-level "Journeys" array: bound from the root, not a section.
        services.AddOptions<JourneysOptions>().BindConfiguration(string.Empty).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JourneysOptions>, JourneysOptionsValidator>();
        services.AddOptions<Watching.WatchOptions>().BindConfiguration(Watching.WatchOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Watching.WatchOptions>, Watching.WatchOptionsValidator>();
        services.AddSingleton<Watching.WatchProcessor>();
        services.TryAddSingleton(new Input.Sources.StandardInput(Console.OpenStandardInput));
        services.AddSingleton<SourceStage>();
        return services;
    }

    /// <summary>The handler of every client that carries the token: it never follows a redirect.</summary>
    internal static HttpMessageHandler NoRedirects() => new SocketsHttpHandler { AllowAutoRedirect = false };
}
