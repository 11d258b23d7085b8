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
