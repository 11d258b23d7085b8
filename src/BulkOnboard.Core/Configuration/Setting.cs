namespace BulkOnboard.Configuration;

/// <summary>Names a configuration key the way a user sets it: in JSON and as an environment variable.</summary>
internal static class Setting
{
    public static string Describe(string key, string? alternateVariable = null)
    {
        var variable = key.Replace(":", "__", StringComparison.Ordinal);
        return alternateVariable is null
            ? $"{key} (environment variable {variable})"
            : $"{key} (environment variable {variable} or {alternateVariable})";
    }
}
