using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>A scheduled hire a later file withdrew: the action to cancel, and the report's reason word and message.</summary>
internal sealed record Withdrawal(DueAction Action, string Reason, string Message);

/// <summary>
/// Withdrawn means withdrawn (PRODUCT.md, "One way to change Tallyfy"): the one place that decides which
/// scheduled hires a later file withdraws. A hire waiting in the journal is withdrawn by a later file from
/// the source that scheduled it when that file no longer lists them (or lists them only on a row its
/// mapping's filters leave out, or as the other kind), or lists them without a start date: the hire is
/// cancelled, never sent on the old date. A row without a start date keeps its own outcome (such a row is
/// sent now, as any row without dates); the cancellation is reported beside it. A person listed on an
/// invalid row is not judged: the row is reported invalid, and the hire waits until a file says otherwise.
/// Rows are noted one by one as they are planned (<see cref="Note"/>); only the people waiting are kept.
/// </summary>
internal sealed class WithdrawnHires
{
    private readonly List<DueAction> _waiting;
    private readonly Dictionary<string, List<Listed>> _listed;

    /// <param name="pending">The actions waiting in the journal for this organization.</param>
    /// <param name="source">
    /// The file's source, as the journal records it (a file's full path, a source's address): only the hires
    /// scheduled from it are judged. <c>null</c>: every hire (a sync's roster is the whole of its scope).
    /// </param>
    public WithdrawnHires(IEnumerable<DueAction> pending, string? source)
    {
        _waiting = [.. pending.Where(a => (a.IsJoiner || a.IsLaunch) && (source is null || string.Equals(a.Source, source, StringComparison.Ordinal)))];
        _listed = _waiting.Select(a => EmailAddress.Normalize(a.Email)).Distinct(StringComparer.Ordinal).ToDictionary(e => e, _ => new List<Listed>(), StringComparer.Ordinal);
    }

    /// <summary>Whether any hire waits to be judged by this file.</summary>
    public bool Any => _waiting.Count > 0;

    /// <summary>Notes what one row of the file says of its person; a row of someone not waiting is ignored. Call from one thread.</summary>
    public void Note(ValidatedRow row)
    {
        if (_listed.Count == 0 || !_listed.TryGetValue(EmailAddress.Normalize(row.Email), out var rows))
        {
            return;
        }

        var how = row.FilteredBecause is not null ? Listing.LeftOut
            : !row.IsValid ? Listing.Invalid
            : row.Dates?.Start is null ? Listing.Undated
            : Listing.Dated;
        rows.Add(new Listed(row.Kind, row.RowNumber, how));
    }

    /// <summary>The waiting hires the file lists on an invalid row: not judged, they keep waiting (a sync does not cancel them either).</summary>
    public IEnumerable<DueAction> Unjudged => _waiting.Where(a => _listed[EmailAddress.Normalize(a.Email)].Any(r => r.How == Listing.Invalid));

    /// <summary>The waiting hires the file withdraws, once every row of it has been noted.</summary>
    public List<Withdrawal> Find()
    {
        var withdrawn = new List<Withdrawal>();
        foreach (var action in _waiting)
        {
            var rows = _listed[EmailAddress.Normalize(action.Email)];
            var same = rows.Where(r => r.How is Listing.Dated or Listing.Undated && r.Kind == action.Kind).ToList();
            if (rows.Any(r => r.How == Listing.Invalid) || same.Any(r => r.How == Listing.Dated))
            {
                // Not judged, or still dated: scheduled again, or sent now because the start has come near.
                continue;
            }

            var what = $"{action.Action} due {action.DueLocal} cancelled";
            withdrawn.Add(same.Count > 0
                ? new Withdrawal(action, Outcomes.NoStartDate, $"{what}: row {same[0].Row} lists them without a start date (that row's line says what was done instead)")
                : new Withdrawal(action, Outcomes.NotListed, $"{what}: {NotListed(action, rows)}"));
        }

        return withdrawn;
    }

    private static string NotListed(DueAction action, List<Listed> rows)
    {
        if (rows.Count == 0)
        {
            return "no longer listed";
        }

        var first = rows[0];
        return first.How == Listing.LeftOut || first.Kind is not { } kind || kind == action.Kind
            ? $"row {first.Row} is left out by the mapping file's filters"
            : $"row {first.Row} lists them as a {kind.ToWord()} now";
    }

    private enum Listing
    {
        Dated,
        Undated,
        Invalid,
        LeftOut,
    }

    private readonly record struct Listed(PersonKind? Kind, int Row, Listing How);
}
