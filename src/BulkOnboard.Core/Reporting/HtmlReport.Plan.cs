using System.Globalization;
using System.Text;
using BulkOnboard.Plan;

namespace BulkOnboard.Reporting;

/// <summary>
/// A sync's plan as a diff, from what <c>plan.json</c> holds: joiners (+), movers (what changes: old → new),
/// leavers (−) with their guard's verdict (held, and why; or approved), then who is left alone and what is
/// scheduled. Each list shows at most <see cref="MaxPlanLines"/>; plan.csv has them all.
/// </summary>
internal static partial class HtmlReport
{
    /// <summary>The most lines each part of the diff lists.</summary>
    public const int MaxPlanLines = 1_000;

    private static readonly HashSet<string> JoinerActions = [PlanAction.Create.ToWord(), PlanAction.Invite.ToWord(), PlanAction.Schedule.ToWord()];

    private static readonly HashSet<string> LeaverActions = [PlanAction.Deactivate.ToWord(), PlanAction.Remove.ToWord()];

    /// <summary>People change (PRODUCT.md): the same person under another kind, again, or at a new email.</summary>
    private static readonly HashSet<string> PeopleActions =
        [PlanAction.ConvertToMember.ToWord(), PlanAction.ConvertToGuest.ToWord(), PlanAction.Reactivate.ToWord(), PlanAction.ChangeEmail.ToWord()];

    /// <summary>What a mover's change touches, and the words its detail begins with before the old value.</summary>
    private static readonly Dictionary<string, (string Field, string? Prefix)> MoverFields = new()
    {
        [PlanAction.UpdateRole.ToWord()] = ("role", "role "),
        [PlanAction.UpdateGuest.ToWord()] = ("associated members", "associated members "),
        [PlanAction.UpdateProfile.ToWord()] = ("name", "name "),
        [PlanAction.AddToGroup.ToWord()] = ("group", null),
        [PlanAction.RemoveFromGroup.ToWord()] = ("group", null),
    };

    private static void PlanDiff(StringBuilder html, PlanFile plan)
    {
        html.Append("<section id=\"plan\">\n<h2>The plan</h2>\n<p class=\"note\">Planned ")
            .Append(Text(plan.PlannedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture))).Append(" for ")
            .Append(PlanFigure("roster_people", plan.RosterPeople)).Append(" people in the roster; ")
            .Append(PlanFigure("out_of_scope", plan.OutOfScope)).Append(" in Tallyfy but not in the roster are left alone.</p>\n<div class=\"figures\">\n");
        foreach (var (action, count) in plan.Counts.Where(c => c.Value > 0))
        {
            html.Append("<div class=\"card quiet\">").Append(PlanFigure($"counts.{action}", count)).Append("<span class=\"label\">").Append(Text(action.Replace('_', ' '))).Append("</span></div>\n");
        }

        html.Append("</div>\n");
        if (plan.Guards.Count > 0)
        {
            html.Append("<h3>Guards</h3>\n<ul class=\"guards\" id=\"guards\">");
            foreach (var guard in plan.Guards)
            {
                html.Append("<li>").Append(Text(guard)).Append("</li>");
            }

            html.Append("</ul>\n");
        }

        var joiners = plan.Changes.Where(c => JoinerActions.Contains(c.Action)).ToList();
        var movers = plan.Changes.Where(c => c.Row is not null && MoverFields.ContainsKey(c.Action)).ToList();
        var leavers = plan.Changes.Where(IsLeaver).ToList();
        var leftAlone = plan.Changes.Where(c => c.Row is null && c.Action == PlanAction.Unchanged.ToWord()).ToList();
        var changed = plan.Changes.Where(c => PeopleActions.Contains(c.Action) || (c.Action == PlanAction.Hold.ToWord() && c.Intended is { } intended && PeopleActions.Contains(intended))).ToList();

        DiffTable(html, "joiners", "Joiners", "+", joiners, ["row", "kind", "email", "what"], line => [Row(line), Text(line.Kind), Text(line.Email), Text(line.Detail)]);
        DiffTable(html, "movers", "Movers", "~", movers, ["row", "email", "field", "change"], line => [Row(line), Text(line.Email), Text(MoverFields[line.Action].Field), Change(line)]);
        DiffTable(html, "leavers", "Leavers", "−", leavers, ["row", "kind", "email", "action", "guard", "why"], line =>
        {
            var held = line.Action == PlanAction.Hold.ToWord();
            var state = held ? "held" : "approved";
            var action = held ? line.Intended ?? line.Action : line.Action;
            var why = held && line.Detail.StartsWith("held: ", StringComparison.Ordinal) ? line.Detail["held: ".Length..] : line.Detail;
            return [Row(line), Text(line.Kind), Text(line.Email), Text(action.Replace('_', ' ')), $"<span class=\"state {state}\">{state}</span>", Text(why)];
        }, line => line.Action == PlanAction.Hold.ToWord() ? "held" : "approved");

        DiffTable(html, "people-changes", "People changed (conversions, rehires, new emails)", "⇄", changed, ["row", "kind", "email", "action", "why"], line =>
        {
            var held = line.Action == PlanAction.Hold.ToWord();
            return [Row(line), Text(line.Kind), Text(line.Email), Text((held ? $"{line.Intended} (held)" : line.Action).Replace('_', ' ')), Text(line.Detail)];
        }, line => line.Action == PlanAction.Hold.ToWord() ? "held" : "approved");

        if (leftAlone.Count > 0)
        {
            html.Append("<details id=\"left-alone\"><summary>").Append(leftAlone.Count.ToString("N0", CultureInfo.InvariantCulture))
                .Append(" not in the roster, left alone (why, for each)</summary>\n<ul>");
            foreach (var line in leftAlone.Take(MaxPlanLines))
            {
                html.Append("<li>").Append(Text(line.Email)).Append(": ").Append(Text(line.Detail)).Append("</li>");
            }

            html.Append("</ul></details>\n");
        }

        if (plan.Calendar.Count > 0)
        {
            html.Append("<details id=\"calendar\"><summary>").Append(plan.Calendar.Count.ToString("N0", CultureInfo.InvariantCulture)).Append(" dated actions scheduled</summary>\n<ul>");
            foreach (var entry in plan.Calendar.Take(MaxPlanLines))
            {
                html.Append("<li>").Append(Text(entry)).Append("</li>");
            }

            html.Append("</ul></details>\n");
        }

        html.Append("</section>\n");
    }

    /// <summary>A leaver action, carried out or held (on a roster row whose end date has passed, or for someone gone from it), and a leaver's group removals.</summary>
    private static bool IsLeaver(PlanLine line) =>
        LeaverActions.Contains(line.Action)
        || (line.Action == PlanAction.Hold.ToWord() && (line.Intended is null || LeaverActions.Contains(line.Intended)))
        || (line.Row is null && line.Action == PlanAction.RemoveFromGroup.ToWord());

    private static void DiffTable(StringBuilder html, string id, string heading, string sign, List<PlanLine> lines, string[] columns, Func<PlanLine, string[]> cells,
        Func<PlanLine, string>? state = null)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h3>{heading} <span class=\"note\">({lines.Count:N0})</span></h3>\n");
        if (lines.Count == 0)
        {
            html.Append("<p class=\"note\" id=\"").Append(id).Append("-none\">None.</p>\n");
            return;
        }

        html.Append("<table class=\"diff\" id=\"").Append(id).Append("\" data-lines=\"").Append(lines.Count).Append("\">\n<thead><tr><th></th>");
        foreach (var column in columns)
        {
            html.Append("<th>").Append(column).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        var kind = id[..^1];
        foreach (var line in lines.Take(MaxPlanLines))
        {
            html.Append("<tr class=\"").Append(kind).Append("\" data-email=\"").Append(Attr(line.Email)).Append("\" data-action=\"").Append(Attr(line.Action)).Append('"');
            if (state is not null)
            {
                html.Append(" data-state=\"").Append(state(line)).Append('"');
            }

            html.Append("><td class=\"sign\">").Append(sign).Append("</td>");
            foreach (var (cell, i) in cells(line).Select((c, i) => (c, i)))
            {
                html.Append(ShortColumns.Contains(columns[i]) ? "<td class=\"nowrap\">" : "<td class=\"wrap\">").Append(cell).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
        if (lines.Count > MaxPlanLines)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">… and {lines.Count - MaxPlanLines:N0} more, in plan.csv.</p>\n");
        }
    }

    /// <summary>Columns of a word or two, never broken: the long ones (emails, reasons) wrap instead.</summary>
    private static readonly HashSet<string> ShortColumns = ["row", "kind", "action", "guard", "field"];

    private static string Row(PlanLine line) => line.Row?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>A mover's change, "old → new" when its detail says so ("role light -> standard"); else the detail as it is.</summary>
    private static string Change(PlanLine line)
    {
        var detail = line.Detail;
        var (_, prefix) = MoverFields[line.Action];
        var arrow = detail.IndexOf(" -> ", StringComparison.Ordinal);
        if (prefix is null || !detail.StartsWith(prefix, StringComparison.Ordinal) || arrow < prefix.Length)
        {
            return Text(detail);
        }

        var old = detail[prefix.Length..arrow];
        var rest = detail[(arrow + " -> ".Length)..];
        var note = rest.IndexOf("; ", StringComparison.Ordinal);
        var now = note < 0 ? rest : rest[..note];
        return $"<del>{Text(old)}</del> → <ins>{Text(now)}</ins>{(note < 0 ? string.Empty : $"<span class=\"note\">{Text(rest[note..])}</span>")}";
    }

    /// <summary>A figure of <c>plan.json</c>, named by its path there.</summary>
    private static string PlanFigure(string key, long value) =>
        $"<b data-plan-figure=\"{Attr(key)}\" data-value=\"{value.ToString(CultureInfo.InvariantCulture)}\">{value.ToString("N0", CultureInfo.InvariantCulture)}</b>";
}
