using System.Globalization;
using System.Text.Json;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;
using NodaTime;
using NodaTime.Text;

namespace BulkOnboard.Pipeline;

/// <summary>
/// A row's values as a journey reads them (PRODUCT.md, "Onboarding journeys"): by field name (<c>first_name</c>,
/// <c>manager</c>, <c>start_date</c>, ...) through the row's column map (its mapping included), else by the input's own
/// column header. Start and end dates are handed over as the row's dates read them (<c>yyyy-MM-dd</c>). A dated launch
/// keeps what its journey reads (<see cref="Keep"/>) in the journal, to be read back the same way when it comes due.
/// </summary>
internal sealed class JourneyValues(ColumnMap columns, RowDates? dates)
{
    /// <summary>A look-up of the row's values: a name's value, or <c>null</c> when the row has none.</summary>
    public Func<string, string?> Of(string[] cells)
    {
        PersonDates? read = null;
        var datesRead = false;
        return name =>
        {
            if (name.Equals(Field.StartDate, StringComparison.OrdinalIgnoreCase) || name.Equals(Field.EndDate, StringComparison.OrdinalIgnoreCase))
            {
                if (!datesRead)
                {
                    (read, datesRead) = (DatesOf(cells), true);
                }

                var day = name.Equals(Field.StartDate, StringComparison.OrdinalIgnoreCase) ? read?.Start : read?.End;
                if (day is { } known)
                {
                    return known.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                }
            }

            if (columns.Has(name.ToLowerInvariant()))
            {
                return columns.Get(cells, name.ToLowerInvariant());
            }

            var index = columns.IndexOf(name);
            return index >= 0 && index < cells.Length && cells[index].Trim() is { Length: > 0 } cell ? cell : null;
        };
    }

    /// <summary>Whether the input has what <paramref name="name"/> names: a field it maps, or a column of that header.</summary>
    public bool Knows(string name) => columns.Has(name.ToLowerInvariant()) || columns.IndexOf(name) >= 0;

    /// <summary>The person's dates as the row gives them (start, end, zone), when the file has dates.</summary>
    public PersonDates? DatesOf(string[] cells) =>
        dates?.Read(columns.Get(cells, Field.StartDate), columns.Get(cells, Field.EndDate), columns.Get(cells, Field.Timezone)).Dates;

    /// <summary>Every name a journey reads: its kick-off fields' sources, its name's placeholders, the manager and the names.</summary>
    public static IEnumerable<string> NamesRead(ResolvedJourney journey) =>
        journey.Fields.Select(f => f.Source)
            .Concat(journey.ProcessName.Where(p => p.IsPlaceholder).Select(p => p.Text))
            .Concat([Field.Manager, Field.FirstName, Field.LastName, Field.Email, Field.EmployeeId])
            .Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>What a dated launch keeps in the journal: the values its journey reads, and the person's start and zone.</summary>
    public static string Keep(ResolvedJourney journey, Func<string, string?> valueOf, PersonDates? dates)
    {
        var kept = new Kept(
            NamesRead(journey).Select(n => (n, valueOf(n))).Where(v => v.Item2 is not null).ToDictionary(v => v.n, v => v.Item2!, StringComparer.OrdinalIgnoreCase),
            dates?.Start?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), dates?.Zone.Id);
        return JsonSerializer.Serialize(kept, DatePolicy.PayloadJson);
    }

    /// <summary>A dated launch's values, read back from the journal: the same look-up, and the person's dates.</summary>
    public static (Func<string, string?> ValueOf, PersonDates? Dates) Restore(string? payload)
    {
        var kept = payload is null ? null : JsonSerializer.Deserialize<Kept>(payload, DatePolicy.PayloadJson);
        var values = new Dictionary<string, string>(kept?.Values ?? [], StringComparer.OrdinalIgnoreCase);
        PersonDates? dates = null;
        if (kept?.Start is { } start && LocalDatePattern.Iso.Parse(start) is { Success: true } day)
        {
            dates = new PersonDates(day.Value, null, DateZones.Find(kept.Zone) ?? DateTimeZone.Utc);
        }

        return (name => values.TryGetValue(name, out var value) ? value : null, dates);
    }

    private sealed record Kept(Dictionary<string, string> Values, string? Start, string? Zone);
}
