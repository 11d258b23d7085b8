using BulkOnboard.Configuration;
using BulkOnboard.Validation;
using NodaTime;

namespace BulkOnboard.Plan;

/// <summary>
/// A journey's <c>Launch</c> or a step's deadline: <c>now</c> (<see cref="DaysFromStart"/> <c>null</c>), or
/// 09:00 on the person's start date plus <see cref="DaysFromStart"/> days, in the person's time zone.
/// </summary>
internal readonly record struct LaunchTime(int? DaysFromStart)
{
    /// <summary>The hour of the day, the person's time, a dated launch or deadline falls at.</summary>
    public static readonly LocalTime At0900 = new(9, 0);

    public static LaunchTime Now => new(null);

    public bool IsNow => DaysFromStart is null;

    /// <summary>Reads <c>now</c> or <c>start_date±Nd</c> (<see cref="JourneySyntax.TryParseWhen"/>); a validated setting always reads.</summary>
    public static LaunchTime Parse(string? text, string setting) =>
        JourneySyntax.TryParseWhen(text, out var days) ? new LaunchTime(days) : throw new JourneyException($"{setting} must be now or start_date±Nd (is '{text}')");

    /// <summary>
    /// The instant this falls at for a person, or <c>null</c>: for <c>now</c>, and for a person without a
    /// start date (a launch is then sent right away, a deadline left to the template). The day is the start
    /// date plus the offset; 09:00 that day in the person's zone (a 09:00 that a zone's clock change skips
    /// is read forward, one it repeats is the earlier).
    /// </summary>
    public Instant? For(PersonDates? dates) =>
        DaysFromStart is { } days && dates?.Start is { } start
            ? start.PlusDays(days).At(At0900).InZoneLeniently(dates.Zone).ToInstant()
            : null;

    public override string ToString() => DaysFromStart switch
    {
        null => JourneySyntax.Now,
        0 => "start_date",
        > 0 and var d => $"start_date+{d}d",
        var d => $"start_date{d}d",
    };
}
