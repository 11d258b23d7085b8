using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>Who takes over a leaver's open tasks: a member Tallyfy lists, not leaving, and how they were found.</summary>
/// <param name="Email">Normalized.</param>
/// <param name="Id">The member's Tallyfy id (<c>to=</c> of the deactivation; added to a guest's tasks).</param>
/// <param name="Via">How: <c>manager</c>, <c>manager's manager</c> (and who leaves between), or <c>Sync:ReassignTo</c>.</param>
internal sealed record Successor(string Email, string Id, string Via)
{
    /// <summary>A guest takes the work (a guest's new email): the tasks name them by <see cref="Email"/>; <see cref="Id"/> is unused.</summary>
    public bool IsGuest { get; init; }
}

/// <summary>What the hand-over rule says of one leaver.</summary>
/// <param name="OpenTasks">Their open tasks, or <c>null</c> when they could not be read (<paramref name="Unread"/> says why).</param>
/// <param name="Guard">Why they are held (no one to take over their work), or <c>null</c>.</param>
internal sealed record HandOverVerdict(int? OpenTasks, Successor? Successor, string? Guard, string? Unread = null)
{
    /// <summary>"12 open tasks go to boss@x.example (manager)", for the plan's and the report's lines.</summary>
    public string Describe() => (OpenTasks, Successor) switch
    {
        (null, { } s) => $"their open tasks (not read: {Unread}) go to {s.Email} ({s.Via})",
        (null, null) => $"their open tasks could not be read ({Unread})",
        (0, { } s) => $"no open tasks (any that come go to {s.Email}, {s.Via})",
        (0, null) => "no open tasks",
        (var n, { } s) => $"{n} open tasks go to {s.Email} ({s.Via})",
        (var n, null) => $"{n} open tasks",
    };

    /// <summary>The successor a line made by <see cref="Describe"/> names (undo reads it from the journal's record of the action), or <c>null</c>.</summary>
    public static string? SuccessorIn(string? line) =>
        line is not null && System.Text.RegularExpressions.Regex.Match(line, @"open tasks(?: \([^)]*\))? go to (?<to>[^\s,;()]+@[^\s,;()]+)|any that come go to (?<to>[^\s,;()]+@[^\s,;()]+)",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)) is { Success: true } match
            ? match.Groups["to"].Value
            : null;
}

/// <summary>
/// The one hand-over rule (PRODUCT.md, "Leavers hand their work over"), whichever path asks (a sync's plan, an
/// approved plan's apply, a dated leaver coming due): a leaver's open tasks go to their manager (the roster's
/// <c>manager</c>, or the one the journal remembers from the last roster that listed them); when the manager
/// leaves too (or is not an active member), to the manager's manager, at any depth (a cycle is refused); else to
/// <c>Sync:ReassignTo</c>. A leaver with open tasks (or tasks that could not be read) and no one to take them is
/// held, never deactivated or removed with work on them. A pure function: it sends and writes nothing.
/// </summary>
internal sealed class HandOver
{
    public const string CodeNoSuccessor = "no_successor";

    private readonly IReadOnlyDictionary<string, string> _managers;
    private readonly Dictionary<string, ListedPerson> _members;
    private readonly HashSet<string> _leaving;
    private readonly string? _reassignTo;

    /// <param name="managers">Normalized email → their manager's normalized email.</param>
    /// <param name="members">Tallyfy's members.</param>
    /// <param name="leaving">Everyone leaving now or held from leaving (normalized): never a successor.</param>
    /// <param name="reassignTo"><c>Sync:ReassignTo</c>: a member's email or id.</param>
    public HandOver(IReadOnlyDictionary<string, string> managers, IEnumerable<ListedPerson> members, IEnumerable<string> leaving, string? reassignTo)
    {
        _managers = managers;
        _members = members.GroupBy(m => EmailAddress.Normalize(m.Email)).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _leaving = leaving.Select(EmailAddress.Normalize).ToHashSet(StringComparer.Ordinal);
        _reassignTo = string.IsNullOrWhiteSpace(reassignTo) ? null : reassignTo.Trim();
    }

    /// <summary>Each person's manager: those the journal remembers, then the roster's valid rows over them (<see cref="RosterManagers"/>).</summary>
    public static Dictionary<string, string> Managers(IEnumerable<ValidatedRow> roster, IReadOnlyDictionary<string, string>? remembered = null)
    {
        var managers = new Dictionary<string, string>(remembered ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (person, manager) in RosterManagers(roster))
        {
            if (manager is null)
            {
                managers.Remove(person);
            }
            else
            {
                managers[person] = manager;
            }
        }

        return managers;
    }

    /// <summary>
    /// What a roster says of managers (the journal remembers it for when the person leaves): normalized email →
    /// their manager, or <c>null</c> when the file has a manager column and the row's cell holds no email (the one
    /// remembered is forgotten). A file without the column says nothing; an invalid row says nothing.
    /// </summary>
    public static Dictionary<string, string?> RosterManagers(IEnumerable<ValidatedRow> roster)
    {
        var managers = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var row in roster.Where(r => r.IsValid && (r.Manager is not null || r.NamesNoManager)))
        {
            managers[EmailAddress.Normalize(row.Email)] = row.Manager;
        }

        return managers;
    }

    /// <summary>Judges one leaver: their successor, and whether they are held for want of one.</summary>
    /// <param name="openTasks">Their open tasks, or <c>null</c> when they could not be read (<paramref name="unread"/>: why).</param>
    public HandOverVerdict Judge(string leaverEmail, int? openTasks, string? unread = null)
    {
        var (successor, problem) = SuccessorOf(leaverEmail);
        if (successor is not null || openTasks == 0)
        {
            return new(openTasks, successor, null, unread);
        }

        var why = problem ?? (_reassignTo is null ? "no manager who stays, and Sync:ReassignTo is not set" : $"no manager who stays, and Sync:ReassignTo ({_reassignTo}) is not an active member who stays");
        return openTasks is { } n
            ? new(n, null, $"no one to take over {n} open tasks ({why})", unread)
            : new(null, null, $"no one to take over their open tasks, which could not be read ({unread}; {why})", unread);
    }

    /// <summary>The leaver's successor up the chain of managers, else <c>Sync:ReassignTo</c>; with what stopped the chain when it gave none.</summary>
    public (Successor? Successor, string? Problem) SuccessorOf(string leaverEmail)
    {
        var leaver = EmailAddress.Normalize(leaverEmail);
        var chain = new List<string> { leaver };
        string? problem = null;
        for (var manager = _managers.GetValueOrDefault(leaver); manager is not null; manager = _managers.GetValueOrDefault(manager))
        {
            if (chain.Contains(manager, StringComparer.Ordinal))
            {
                problem = $"the managers form a cycle: {string.Join(" -> ", chain)} -> {manager}";
                break;
            }

            chain.Add(manager);
            if (Stays(manager) is { } member)
            {
                var passed = chain.Skip(1).SkipLast(1).ToList();
                return (new Successor(manager, member.Id!, passed.Count == 0 ? "manager" : $"manager's manager: {string.Join(", ", passed)} {(passed.Count == 1 ? "leaves" : "leave")} too or {(passed.Count == 1 ? "is" : "are")} not an active member"), null);
            }
        }

        if (_reassignTo is not null && ReassignTarget() is { } target && Stays(EmailAddress.Normalize(target.Email)) is not null && target.Id is not null)
        {
            return (new Successor(EmailAddress.Normalize(target.Email), target.Id, "Sync:ReassignTo"), problem);
        }

        return (null, problem);
    }

    /// <summary>
    /// An active member Tallyfy lists, who is not leaving: status <c>active</c> (not <c>invited</c>, who has never
    /// logged in to see the work, nor <c>disabled</c>, nor a status the listing does not show), and not a bot.
    /// </summary>
    private ListedPerson? Stays(string email) =>
        !_leaving.Contains(email) && _members.TryGetValue(email, out var member) && member.Id is not null && !member.IsBot
            && string.Equals(member.Status, "active", StringComparison.OrdinalIgnoreCase) ? member : null;

    private ListedPerson? ReassignTarget() => _reassignTo!.Contains('@', StringComparison.Ordinal)
        ? _members.GetValueOrDefault(EmailAddress.Normalize(_reassignTo))
        : _members.Values.FirstOrDefault(m => m.Id == _reassignTo);
}
