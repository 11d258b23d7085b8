using System.Globalization;
using System.Text.Json.Nodes;
using BulkOnboard.Validation;
using NodaTime;
using NodaTime.Text;

namespace BulkOnboard.Plan;

/// <summary>One row value in a kick-off field's shape: <see cref="Value"/> (<c>null</c>: nothing to send), or why it does not fit (<see cref="Error"/>).</summary>
internal readonly record struct KickoffValue(JsonNode? Value, string? Error)
{
    public static KickoffValue Empty => default;

    public static KickoffValue Fail(string error) => new(null, error);
}

/// <summary>
/// Writes a row's value in the shape each kick-off field type needs (TALLYFY-API.md, "Templates and
/// processes"): text, textarea and email a string; date an ISO 8601 instant in UTC; radio the option's text;
/// dropdown the option; multiselect the options, each <c>selected: true</c>; table one string per column.
/// </summary>
internal static class KickoffValues
{
    public const int TextMax = 200;

    public const int TextareaMax = 30_000;

    private static readonly HashSet<string> Fillable = new(StringComparer.OrdinalIgnoreCase) { "text", "textarea", "email", "date", "radio", "dropdown", "multiselect", "table" };

    /// <summary>Whether a journey can fill a field of this type from a row (an assignees or file field it cannot).</summary>
    public static bool CanFill(string fieldType) => Fillable.Contains(fieldType.Trim());

    /// <summary>
    /// <paramref name="value"/> for <paramref name="field"/>. Empty (or only spaces): nothing to send. A date is
    /// <c>yyyy-MM-dd</c> (midnight UTC, as Tallyfy holds a day) or a full ISO 8601 instant with its offset.
    /// </summary>
    public static KickoffValue Encode(KickoffField field, string? value)
    {
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return KickoffValue.Empty;
        }

        return field.FieldType.Trim().ToLowerInvariant() switch
        {
            "text" => Limited(field, text, TextMax),
            "textarea" => Limited(field, text, TextareaMax),
            "email" => EmailAddress.IsValid(text) ? new(JsonValue.Create(text), null) : KickoffValue.Fail($"'{text}' is not an email address (kick-off field '{field.Label}')"),
            "date" => Date(field, text),
            "radio" => Option(field, text) is { } radio ? new(JsonValue.Create(radio.Text), null) : NotAnOption(field, text),
            "dropdown" => Option(field, text) is { } chosen ? new(OptionNode(chosen), null) : NotAnOption(field, text),
            "multiselect" => Multiselect(field, text),
            "table" => Table(field, text),
            var other => KickoffValue.Fail($"kick-off field '{field.Label}' is a {other} field, which a journey cannot fill"),
        };
    }

    private static KickoffValue Limited(KickoffField field, string text, int max) =>
        text.Length <= max
            ? new(JsonValue.Create(text), null)
            : KickoffValue.Fail($"the value for kick-off field '{field.Label}' is {text.Length} characters; a {field.FieldType} field holds at most {max}");

    private static KickoffValue Date(KickoffField field, string text)
    {
        Instant? at = null;
        if (LocalDatePattern.Iso.Parse(text) is { Success: true } day)
        {
            at = day.Value.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        }
        else if (OffsetDateTimePattern.ExtendedIso.Parse(text) is { Success: true } instant)
        {
            at = instant.Value.ToInstant();
        }

        return at is { } found
            ? new(JsonValue.Create(InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss.fff'Z'").Format(found)), null)
            : KickoffValue.Fail($"'{text}' is not a date (yyyy-MM-dd or an ISO 8601 instant) for kick-off field '{field.Label}'");
    }

    private static KickoffValue Multiselect(KickoffField field, string text)
    {
        // A whole value that is one option's text is that option, even when the text holds a comma.
        var entries = Option(field, text) is not null ? [text] : text.Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var chosen = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (Option(field, entry) is not { } option)
            {
                return NotAnOption(field, entry);
            }

            if (seen.Add(option.Id))
            {
                var node = OptionNode(option);
                node["selected"] = true; // Without it Tallyfy saves the value and reads it back empty.
                chosen.Add(node);
            }
        }

        return chosen.Count == 0 ? KickoffValue.Empty : new(chosen, null);
    }

    private static KickoffValue Table(KickoffField field, string text)
    {
        var cells = text.Split('|', StringSplitOptions.TrimEntries);
        if (cells.Length != field.Columns.Count)
        {
            return KickoffValue.Fail(string.Create(CultureInfo.InvariantCulture,
                $"kick-off field '{field.Label}' is a table of {field.Columns.Count} columns ({string.Join(", ", field.Columns)}); the value has {cells.Length} cells separated by |"));
        }

        return new(new JsonArray([.. cells.Select(c => (JsonNode?)JsonValue.Create(c))]), null);
    }

    private static FieldOption? Option(KickoffField field, string text) =>
        field.Options.FirstOrDefault(o => string.Equals(o.Text.Trim(), text, StringComparison.OrdinalIgnoreCase));

    private static JsonObject OptionNode(FieldOption option) => new() { ["id"] = option.Id, ["text"] = option.Text, ["value"] = option.Value ?? option.Text };

    private static KickoffValue NotAnOption(KickoffField field, string text)
    {
        var options = field.Options.Select(o => o.Text).ToList();
        var shown = options.Count <= 10 ? string.Join(", ", options) : $"{string.Join(", ", options.Take(10))}, ...";
        return KickoffValue.Fail($"'{text}' is not an option of kick-off field '{field.Label}' ({shown})");
    }
}
