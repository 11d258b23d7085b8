namespace BulkOnboard.Journal;

/// <summary>The start-up checks of <see cref="JournalOptions"/>: a setting out of range stops the command with one line naming it.</summary>
internal sealed class JournalOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<JournalOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, JournalOptions options)
    {
        if (options.BusyTimeout <= TimeSpan.Zero)
        {
            return Microsoft.Extensions.Options.ValidateOptionsResult.Fail($"{Configuration.Setting.Describe("Journal:BusyTimeout")} must be a positive duration (is {options.BusyTimeout})");
        }

        try
        {
            _ = options.ResolvePath();
            return Microsoft.Extensions.Options.ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return Microsoft.Extensions.Options.ValidateOptionsResult.Fail($"{Configuration.Setting.Describe("Journal:Path")} is '{options.Path}', which is not a usable file path ({ex.Message})");
        }
    }
}
