using System.Globalization;
using System.Text.RegularExpressions;
using BulkOnboard.Validation;

namespace BulkOnboard.Configuration;

/// <summary>Who a journey's <c>Assign</c> names: the person, their manager, a group by name, or a member by email.</summary>
internal enum AssigneeKind
{
    Person,
    Manager,
    Group,
    Email,
}

/// <summary>One assignee of a step, as <c>Assign</c> writes it (<see cref="Value"/>: the group's name or the email; empty otherwise).</summary>
internal sealed record JourneyAssignee(AssigneeKind Kind, string Value);

/// <summary>One piece of a <c>ProcessName</c>: literal text, or a placeholder's name.</summary>
internal readonly record struct NamePart(bool IsPlaceholder, string Text);

/// <summary>
/// The one reading of a journey's words: <c>Launch</c>/<c>Deadlines</c> (<c>now</c>, <c>start_date±Nd</c>),
/// <c>Assign</c> values and <c>ProcessName</c> placeholders. The validator and the plan both read them here.
/// </summary>
internal static partial class JourneySyntax
{
    public const string Now = "now";

    /// <summary>The most days a dated launch or deadline may be from the start date, either way.</summary>
    public const int MaxOffsetDays = 365;

    /// <summary>
    /// Reads <c>now</c> (<paramref name="days"/> <c>null</c>), <c>start_date</c> (0), <c>start_date+Nd</c> or
    /// <c>start_date-Nd</c> (N between 0 and <see cref="MaxOffsetDays"/>); case and surrounding spaces do not matter.
    /// </summary>
    public static bool TryParseWhen(string? text, out int? days)
    {
        days = null;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Equals(Now, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var match = Offset().Match(trimmed);
        if (!match.Success)
        {
            return false;
        }

        if (!match.Groups["n"].Success)
        {
            days = 0;
            return true;
        }

        var n = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        if (n > MaxOffsetDays)
        {
            return false;
        }

        days = match.Groups["sign"].Value == "-" ? -n : n;
        return true;
    }

    /// <summary>Reads a comma-separated <c>Assign</c> value; <paramref name="bad"/> names the first entry that is none of the four forms.</summary>
    public static bool TryParseAssignees(string? text, out IReadOnlyList<JourneyAssignee> assignees, out string? bad)
    {
        var found = new List<JourneyAssignee>();
        assignees = found;
        bad = null;
        var entries = (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        foreach (var entry in entries)
        {
            if (TryParseAssignee(entry) is { } assignee)
            {
                found.Add(assignee);
            }
            else
            {
                bad = entry;
                return false;
            }
        }

        return true;
    }

    private static JourneyAssignee? TryParseAssignee(string entry)
    {
        if (entry.Equals("person", StringComparison.OrdinalIgnoreCase))
        {
            return new JourneyAssignee(AssigneeKind.Person, string.Empty);
        }

        if (entry.Equals("manager", StringComparison.OrdinalIgnoreCase))
        {
            return new JourneyAssignee(AssigneeKind.Manager, string.Empty);
        }

        if (entry.StartsWith("group:", StringComparison.OrdinalIgnoreCase))
        {
            var group = entry["group:".Length..].Trim();
            return group.Length == 0 ? null : new JourneyAssignee(AssigneeKind.Group, group);
        }

        return EmailAddress.IsValid(entry) ? new JourneyAssignee(AssigneeKind.Email, EmailAddress.Normalize(entry)) : null;
    }

    /// <summary>
    /// A <c>ProcessName</c> as literal text and <c>{name}</c> placeholders, or <c>null</c> when its braces
    /// are not well-formed: a <c>{</c> without its <c>}</c>, a <c>}</c> without its <c>{</c>, a brace inside a
    /// placeholder, or an empty name.
    /// </summary>
    public static IReadOnlyList<NamePart>? ParseName(string? template)
    {
        var parts = new List<NamePart>();
        var text = template ?? string.Empty;
        var at = 0;
        while (at < text.Length)
        {
            var open = text.IndexOf('{', at);
            var close = text.IndexOf('}', at);
            if (close >= 0 && (open < 0 || close < open))
            {
                return null;
            }

            if (open < 0)
            {
                parts.Add(new NamePart(false, text[at..]));
                break;
            }

            if (open > at)
            {
                parts.Add(new NamePart(false, text[at..open]));
            }

            var end = text.IndexOf('}', open + 1);
            var nested = text.IndexOf('{', open + 1);
            var name = end < 0 ? string.Empty : text[(open + 1)..end].Trim();
            if (end < 0 || (nested >= 0 && nested < end) || name.Length == 0)
            {
                return null;
            }

            parts.Add(new NamePart(true, name));
            at = end + 1;
        }

        return parts;
    }

    [GeneratedRegex(@"^start_date(?:\s*(?<sign>[+-])\s*(?<n>\d{1,9})\s*d)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Offset();
}
