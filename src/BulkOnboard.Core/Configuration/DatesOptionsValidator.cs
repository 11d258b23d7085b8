using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>The start-up checks of <see cref="DatesOptions"/>: a setting out of range stops the command with one line naming it.</summary>
internal sealed class DatesOptionsValidator : IValidateOptions<DatesOptions>
{
    public ValidateOptionsResult Validate(string? name, DatesOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.DefaultTimeZone) && Validation.DateZones.Find(options.DefaultTimeZone) is null)
        {
            failures.Add($"{Setting.Describe("Dates:DefaultTimeZone")} is '{options.DefaultTimeZone}', which is not an IANA or Windows time zone (e.g. Europe/Berlin)");
        }

        foreach (var (key, days) in new[] { ("Dates:InviteLeadDays", options.InviteLeadDays), ("Dates:GuestLeadDays", options.GuestLeadDays), ("Dates:PendingInviteAlertDays", options.PendingInviteAlertDays) })
        {
            if (days is < 0 or > 3650)
            {
                failures.Add($"{Setting.Describe(key)} must be between 0 and 3650 days (is {days})");
            }
        }

        if (options.CheckEvery <= TimeSpan.Zero)
        {
            failures.Add($"{Setting.Describe("Dates:CheckEvery")} must be a positive duration (is {options.CheckEvery})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
