namespace BulkOnboard.Watching;

/// <summary>The start-up checks of <see cref="WatchOptions"/>: a setting out of range stops the command with one line naming it.</summary>
/// <param name="configuration">The raw settings: an empty <c>Watch:ExpectFileEvery</c> binds to "not set", but is a mistake (an unset variable in a script).</param>
internal sealed class WatchOptionsValidator(Microsoft.Extensions.Configuration.IConfiguration? configuration = null) : Microsoft.Extensions.Options.IValidateOptions<WatchOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, WatchOptions options)
    {
        var failures = new List<string>();
        if (options.Mode?.Trim().ToLowerInvariant() is not ("import" or "sync"))
        {
            failures.Add($"{Configuration.Setting.Describe("Watch:Mode")} is '{options.Mode}'; use import or sync");
        }

        if (string.IsNullOrWhiteSpace(options.Inbox))
        {
            failures.Add($"{Configuration.Setting.Describe("Watch:Inbox")} is empty; name the folder HR drops files into");
        }

        if (options.ParallelFiles < 1)
        {
            failures.Add($"{Configuration.Setting.Describe("Watch:ParallelFiles")} must be 1 or more (is {options.ParallelFiles})");
        }

        foreach (var (key, value) in new[] { ("Watch:SettleTime", options.SettleTime), ("Watch:ScanInterval", options.ScanInterval), ("Watch:ShutdownTimeout", options.ShutdownTimeout) })
        {
            if (value < TimeSpan.Zero || (key == "Watch:ScanInterval" && value == TimeSpan.Zero))
            {
                failures.Add($"{Configuration.Setting.Describe(key)} must be a positive duration (is {value})");
            }
        }

        if (options.ExpectFileEvery is { } every && every <= TimeSpan.Zero
            || configuration?[$"{WatchOptions.Section}:ExpectFileEvery"] is { } raw && string.IsNullOrWhiteSpace(raw))
        {
            failures.Add($"{Configuration.Setting.Describe("Watch:ExpectFileEvery")} must be a positive duration such as 1.00:00:00, or not set");
        }

        return failures.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
