using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Tests.Support;

/// <summary>Options bound from settings as a user writes them (<c>Delivery:MaxAttempts=0</c>), and what their validator says.</summary>
internal static class BoundOptions
{
    /// <summary>The options' defaults with <paramref name="settings"/> (<c>Key=value</c>) bound over them from <paramref name="section"/>.</summary>
    public static T Bind<T>(string section, params string[] settings)
        where T : class, new()
    {
        var pairs = settings.Select(s => s.Split('=', 2)).Select(p => new KeyValuePair<string, string?>(p[0], p[1]));
        var options = new T();
        new ConfigurationBuilder().AddInMemoryCollection(pairs).Build().GetSection(section).Bind(options);
        return options;
    }

    /// <summary>What <paramref name="validator"/> says of the options bound from <paramref name="settings"/>: no line when they pass.</summary>
    public static List<string> Failures<T>(IValidateOptions<T> validator, string section, params string[] settings)
        where T : class, new()
    {
        var result = validator.Validate(Options.DefaultName, Bind<T>(section, settings));
        Assert.That(result.Succeeded, Is.Not.EqualTo(result.Failed), "a validator passes or fails");
        return result.Failed ? [.. result.Failures!] : [];
    }

    /// <summary>How a message names a setting: its key and its environment variable.</summary>
    public static string Named(string key) => $"{key} (environment variable {key.Replace(":", "__", StringComparison.Ordinal)}";
}
