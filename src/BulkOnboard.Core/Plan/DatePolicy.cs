using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Validation;
using NodaTime;

namespace BulkOnboard.Plan;

/// <summary>What a row's dates say now: not sent yet (scheduled, with the action that waits: <see cref="Due"/>), or ended (<see cref="Due"/> is <c>null</c>).</summary>
/// <param name="Reason">The report's reason word: <c>starts_later</c> or <c>ended</c>.</param>
internal sealed record DateVerdict(string Reason, string Message, DueAction? Due)
{
    public bool IsScheduled => Due is not null;
}

/// <summary>
/// The one place that reads a person's dates against the clock (PRODUCT.md, "Dates"): a joiner is sent
/// from the start of the day <c>Dates:InviteLeadDays</c> (members) or <c>Dates:GuestLeadDays</c> (guests)
/// before their start, their time; a person is a leaver from the end of their last day, their time.
/// </summary>
internal sealed class DatePolicy(DatesOptions options, DateTimeOffset now)
{
    /// <summary>The reason words of <see cref="DateVerdict"/> (the reports' <c>starts_later</c> and <c>ended</c>).</summary>
    public const string StartsLater = "starts_later";

    public const string Ended = "ended";

    /// <summary>How a waiting joiner's payload is kept (as the API takes it: snake_case, nulls left out).</summary>
    public static readonly JsonSerializerOptions PayloadJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public Instant Now { get; } = Instant.FromDateTimeOffset(now);

    public int LeadDays(PersonKind kind) => kind == PersonKind.Guest ? options.GuestLeadDays : options.InviteLeadDays;

    /// <summary>Whether the person's last day is over.</summary>
    public bool HasEnded(PersonDates? dates) => dates?.EndsAt is { } ends && Now >= ends;

    /// <summary>
    /// For a joiner about to be sent: <c>null</c> to send now; else why not: their start is further away
    /// than the lead time (<c>scheduled</c>, with the create or invite that waits, payload included), or
    /// their end date has passed (<c>skipped</c>/<c>ended</c>: nobody is invited to leave).
    /// </summary>
    public DateVerdict? JudgeJoiner(ValidatedRow row, string? source)
    {
        if (row.Dates is not { } dates || row.Payload is not { } payload)
        {
            return null;
        }

        if (HasEnded(dates))
        {
            return new DateVerdict(Ended, $"ended {dates.End:yyyy-MM-dd} (the end of that day, {dates.Zone.Id}, has passed): not sent", null);
        }

        if (dates.JoinDue(LeadDays(payload.Kind)) is not { } due || Now >= due)
        {
            return null;
        }

        var action = payload.Kind == PersonKind.Guest ? "create" : "invite";
        var when = dates.Describe(due);
        var json = JsonSerializer.Serialize(payload, payload.GetType(), PayloadJson);
        return new DateVerdict(StartsLater,
            $"{action} due {when} (starts {dates.Start:yyyy-MM-dd}; Dates:{(payload.Kind == PersonKind.Guest ? "GuestLeadDays" : "InviteLeadDays")} {LeadDays(payload.Kind)})",
            new DueAction(payload.Kind, row.Email, action, due.ToDateTimeOffset(), when, json, null, source));
    }

    /// <summary>A leaver action due at the end of the person's last day (a future end date), or <c>null</c>.</summary>
    public DueAction? FutureLeaver(PersonKind kind, string email, PersonDates? dates, string? tallyfyId, string? source)
    {
        if (dates?.EndsAt is not { } ends || Now >= ends)
        {
            return null;
        }

        return new DueAction(kind, email, kind == PersonKind.Member ? "deactivate" : "remove", ends.ToDateTimeOffset(), dates.Describe(ends), null, tallyfyId, source);
    }
}
