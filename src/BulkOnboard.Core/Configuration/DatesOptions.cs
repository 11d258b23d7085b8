using Microsoft.Extensions.Options;
using NodaTime;

namespace BulkOnboard.Configuration;

/// <summary>Start and end dates (PRODUCT.md, "Dates"). Section <c>Dates</c>.</summary>
internal sealed class DatesOptions
{
    public const string Section = "Dates";

    /// <summary>
    /// The time zone of a person whose row has none: an IANA name (<c>Europe/Berlin</c>) or a Windows one
    /// (<c>W. Europe Standard Time</c>). Default: the machine's own zone.
    /// </summary>
    public string? DefaultTimeZone { get; set; }

    /// <summary>A member is invited this many days before their start date (at the start of that day, their time). Default 7.</summary>
    public int InviteLeadDays { get; set; } = 7;

    /// <summary>A guest is created this many days before their start date. Default 7.</summary>
    public int GuestLeadDays { get; set; } = 7;

    /// <summary>How often the watch service carries out the dated actions that have come due, without a new file. Default 15 minutes.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Invitations still pending after this many days are reported (sync's summary and log). Default 14.</summary>
    public int PendingInviteAlertDays { get; set; } = 14;

    /// <summary>The zone of <see cref="DefaultTimeZone"/> (or the machine's).</summary>
    public DateTimeZone DefaultZone() =>
        Validation.DateZones.Find(DefaultTimeZone) ?? (string.IsNullOrWhiteSpace(DefaultTimeZone) ? DateTimeZoneProviders.Tzdb.GetSystemDefault() : DateTimeZone.Utc);
}

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
