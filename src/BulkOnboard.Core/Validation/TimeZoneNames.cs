using System.Collections.Frozen;

namespace BulkOnboard.Validation;

/// <summary>
/// The IANA time zone names (tzdb 2026c zones and links, shipped with the assembly so the answer does
/// not depend on the machine's zoneinfo). Matching ignores case; the canonical spelling is sent.
/// </summary>
internal static class TimeZoneNames
{
    private static readonly FrozenDictionary<string, string> CanonicalByName = Load();

    public static int Count => CanonicalByName.Count;

    /// <summary>
    /// The name as tzdb spells it ("europe/paris" gives "Europe/Paris"); a Windows zone name ("W. Europe
    /// Standard Time") gives the IANA zone CLDR maps it to; <c>null</c> for anything else.
    /// </summary>
    public static string? Canonicalize(string? name) =>
        name is null ? null
        : CanonicalByName.TryGetValue(name.Trim(), out var canonical) ? canonical
        : DateZones.IanaOfWindows(name) is { } mapped && CanonicalByName.TryGetValue(mapped, out var fromWindows) ? fromWindows
        : null;

    private static FrozenDictionary<string, string> Load()
    {
        using var stream = typeof(TimeZoneNames).Assembly.GetManifestResourceStream("BulkOnboard.iana-time-zones.txt")
            ?? throw new InvalidOperationException("The IANA time zone list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                names.TryAdd(line.Trim(), line.Trim());
            }
        }

        return names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
