using System.Collections.Concurrent;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace BulkOnboard.Pipeline;

/// <summary>
/// The one place a person's onboarding journey is launched (PRODUCT.md, "Onboarding journeys"), for import and for the
/// dated launches that come due: the journeys resolved against Tallyfy's templates once per run, before anything is
/// written (<see cref="PrepareAsync"/>: an unknown or ambiguous template, field or step stops the run); then, per person,
/// the journey chosen, the launch built, claimed in the journal, sent once (<see cref="ProcessLauncher"/>), read back and
/// recorded. A person is launched for only when BulkOnboard created or invited them.
/// </summary>
internal sealed partial class JourneyLaunches
{
    public const string Launched = LaunchOutcome.Launched;
    public const string Incomplete = LaunchOutcome.Incomplete;
    public const string Scheduled = "scheduled";
    public const string AlreadyLaunched = "skipped";
    public const string Failed = "failed";
    public const string NotLaunched = "not_launched";

    private readonly IReadOnlyDictionary<string, ResolvedJourney> _journeys;
    private readonly JourneyChoice _choice;
    private readonly ConcurrentDictionary<string, string> _memberIds;
    private readonly JourneyDirectory _directory;
    private readonly RowSender _sender;
    private RunJournal? _journal;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _listing = new(1, 1);
    private volatile bool _membersListed;

    private JourneyLaunches(IReadOnlyList<ResolvedJourney> journeys, Dictionary<string, string> memberIds, IReadOnlyDictionary<string, string> groupIds,
        RowSender sender, RunJournal? journal, ILogger logger)
    {
        _journeys = journeys.ToDictionary(j => j.Name, StringComparer.Ordinal);
        _choice = new JourneyChoice(journeys.Select(j => j.Options));
        _memberIds = new ConcurrentDictionary<string, string>(memberIds, StringComparer.Ordinal);
        _directory = new JourneyDirectory(email => _memberIds.TryGetValue(EmailAddress.Normalize(email), out var id) ? id : null, groupIds);
        (_sender, _journal, _logger) = (sender, journal, logger);
    }

    /// <summary>
    /// Reads each journey's template once (by id, else by its exact title through the listing), resolves its fields and
    /// steps, and reads the groups and members its assignees name; <c>null</c> without journeys.
    /// </summary>
    /// <param name="inputKnows">Whether the input has a field or column of that name (<c>null</c>: not checked, a dated launch's own values).</param>
    /// <exception cref="JourneyException">A template, field, step or column that does not exist or is ambiguous, or Tallyfy could not be read: nothing is written.</exception>
    public static async Task<JourneyLaunches?> PrepareAsync(IReadOnlyList<JourneyOptions> journeys, RowSender sender, RunJournal? journal, Func<string, bool>? inputKnows,
        ILogger logger, CancellationToken cancellationToken)
    {
        if (journeys.Count == 0)
        {
            return null;
        }

        var resolved = new List<ResolvedJourney>();
        foreach (var journey in journeys)
        {
            var template = await ReadTemplateAsync(journey, sender.Processes, cancellationToken);
            var one = JourneyResolver.Resolve(journey, template);
            if (inputKnows is not null)
            {
                var unknown = JourneyValues.NamesRead(one).Concat(journey.When.Select(w => w.Column))
                    .Where(n => n is not (Field.Manager or Field.FirstName or Field.LastName or Field.Email or Field.EmployeeId) && !inputKnows(n)).ToList();
                if (unknown.Count > 0)
                {
                    throw new JourneyException($"journey '{journey.Name}' reads {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which the input has no column for");
                }
            }

            resolved.Add(one);
            logger.LogInformation("Journey {Journey}: template '{Template}' ({Id}), {Fields} kick-off fields, {Steps} steps assigned, launched {Launch}",
                journey.Name, template.Title, template.Id, one.Fields.Count, one.Steps.Count, one.Launch);
        }

        var assignees = resolved.SelectMany(j => j.Steps).SelectMany(s => s.Assignees).ToList();
        var groupIds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            if (assignees.Any(a => a.Kind == AssigneeKind.Group))
            {
                foreach (var group in await sender.ListGroupsAsync(cancellationToken))
                {
                    groupIds.TryAdd(group.Name.Trim(), group.Id);
                }
            }

            var memberIds = assignees.Any(a => a.Kind is AssigneeKind.Manager or AssigneeKind.Email)
                ? ListedPerson.IdsByEmail((await sender.ListAllAsync(PersonKind.Member, cancellationToken)).People.Where(p => p.Status != "disabled"))
                : new Dictionary<string, string>(StringComparer.Ordinal);
            return new JourneyLaunches(resolved, memberIds, groupIds, sender, journal, logger);
        }
        catch (InputException ex)
        {
            // The groups or members a journey's steps name could not be read: no journey can be built; nothing is sent.
            throw new JourneyException($"the journeys' assignees could not be read from Tallyfy ({ex.Message})");
        }
    }

    /// <summary>The journal launches are recorded in (prepared before the run's journal is opened: a journey that cannot run leaves no run).</summary>
    public void Use(RunJournal? journal) => _journal = journal;

    /// <summary>The journey a person of this kind with these values gets, if any.</summary>
    public ResolvedJourney? For(PersonKind kind, Func<string, string?> valueOf) =>
        _choice.For(kind, valueOf) is { } chosen ? _journeys[chosen.Name] : null;

    /// <summary>The journeys' names.</summary>
    public IReadOnlyCollection<string> Names => [.. _journeys.Keys];

    /// <summary>The journey of a dated launch, by its name (<c>null</c> when the configuration no longer has it).</summary>
    public ResolvedJourney? Named(string name) => _journeys.GetValueOrDefault(name);

    /// <summary>A member this run invited can take steps from now on (a manager invited in the same file).</summary>
    public void Learn(string email, string? memberId)
    {
        if (memberId is not null)
        {
            _memberIds.TryAdd(EmailAddress.Normalize(email), memberId);
        }
    }

    /// <summary>
    /// A member's id when the line does not carry it (found in Tallyfy's listing, not invited by this run): the members are
    /// listed once, the first time one is needed.
    /// </summary>
    private async Task<string?> MemberIdAsync(string email, CancellationToken cancellationToken)
    {
        var key = EmailAddress.Normalize(email);
        if (_memberIds.TryGetValue(key, out var id) || _membersListed)
        {
            return id;
        }

        await _listing.WaitAsync(cancellationToken);
        try
        {
            if (!_membersListed)
            {
                foreach (var (known, memberId) in ListedPerson.IdsByEmail((await _sender.ListAllAsync(PersonKind.Member, cancellationToken)).People.Where(p => p.Status != "disabled")))
                {
                    _memberIds.TryAdd(known, memberId);
                }

                _membersListed = true;
            }
        }
        catch (InputException ex)
        {
            _logger.LogWarning("Journeys: Tallyfy's members could not be listed ({Message})", ex.Message);
        }
        finally
        {
            _listing.Release();
        }

        return _memberIds.GetValueOrDefault(key);
    }

    /// <summary>A dated launch, due at <paramref name="due"/>, waiting in the journal with the values its journey reads.</summary>
    public static DueAction Schedule(RowResult line, ResolvedJourney journey, Func<string, string?> valueOf, PersonDates? dates, Instant due, string? source)
    {
        var local = dates is null ? due.ToString() : dates.Describe(due);
        return new DueAction(line.Kind!.Value, line.Email, DueAction.LaunchPrefix + journey.Name, due.ToDateTimeOffset(), local, JourneyValues.Keep(journey, valueOf, dates), line.TallyfyId, source);
    }

    /// <summary>The line with its journey's columns; the journey's message joins the line's own.</summary>
    public static RowResult With(RowResult line, ResolvedJourney journey, string outcome, string? processId, string? message) => line with
    {
        Journey = journey.Name,
        JourneyOutcome = outcome,
        ProcessId = processId,
        JourneyMessage = message,
        Message = message is null ? line.Message : string.IsNullOrEmpty(line.Message) ? $"journey {journey.Name}: {message}" : $"{line.Message}; journey {journey.Name}: {message}",
    };

    private static async Task<Template> ReadTemplateAsync(JourneyOptions journey, ProcessLauncher processes, CancellationToken cancellationToken)
    {
        var wanted = journey.Template.Trim();
        var (byId, missing, failure) = await processes.ReadTemplateAsync(wanted, cancellationToken);
        if (byId is not null && failure is null)
        {
            return byId;
        }

        if (!missing)
        {
            throw new JourneyException($"journey '{journey.Name}': template '{wanted}' could not be read ({failure})");
        }

        var (listed, why) = await processes.ListTemplatesAsync(wanted, cancellationToken);
        if (listed is null)
        {
            throw new JourneyException($"journey '{journey.Name}': Tallyfy's templates could not be listed ({why})");
        }

        var id = TemplateMatch.Pick(journey.Name, wanted, listed);
        var (template, _, readFailure) = await processes.ReadTemplateAsync(id, cancellationToken);
        return template is not null && readFailure is null ? template
            : throw new JourneyException($"journey '{journey.Name}': template '{wanted}' ({id}) could not be read ({readFailure ?? "not found"})");
    }
}
