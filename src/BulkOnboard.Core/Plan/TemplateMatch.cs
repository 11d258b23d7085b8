namespace BulkOnboard.Plan;

/// <summary>
/// Which listed template a journey's <c>Template</c> names: the one whose id it is, else the one whose title
/// it is exactly (case and surrounding spaces aside). None, or two with that title, stop the run.
/// </summary>
internal static class TemplateMatch
{
    /// <summary>The id of the template <paramref name="wanted"/> names among <paramref name="listed"/> (id, title) pairs.</summary>
    /// <exception cref="JourneyException">No template, or more than one, fits.</exception>
    public static string Pick(string journey, string wanted, IEnumerable<(string Id, string Title)> listed)
    {
        var key = wanted.Trim();
        var all = listed.ToList();
        var byId = all.Where(t => string.Equals(t.Id.Trim(), key, StringComparison.OrdinalIgnoreCase)).Select(t => t.Id).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (byId.Count == 1)
        {
            return byId[0];
        }

        var byTitle = all.Where(t => string.Equals(t.Title.Trim(), key, StringComparison.OrdinalIgnoreCase)).Select(t => t.Id).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return byTitle.Count switch
        {
            1 => byTitle[0],
            0 => throw new JourneyException($"journey '{journey}': no template has the id or title '{key}'"),
            _ => throw new JourneyException($"journey '{journey}': {byTitle.Count} templates are titled '{key}' ({string.Join(", ", byTitle)}); name one by its id"),
        };
    }
}
