using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Plan;

/// <summary>A person some path wants to deactivate or remove, with what the policy judges them by.</summary>
/// <param name="Email">Normalized.</param>
/// <param name="Onboarded">BulkOnboard itself created or invited them (the journal's provenance).</param>
/// <param name="Absence">How long they have been missing from the rosters; <c>null</c> for a dated leaver, whose end date is explicit (no grace).</param>
internal sealed record LeaverCandidate(PersonKind Kind, string Email, string? Role, bool IsDefaultAdmin, bool Onboarded, Absence? Absence = null);

/// <summary>What the policy says of one leaver.</summary>
/// <param name="Guard">Why they are held, in words; <c>null</c> when they may go.</param>
/// <param name="Code">The guard's name, stable across checks (a held dated action is notified again only when it changes).</param>
internal sealed record LeaverVerdict(LeaverCandidate Leaver, bool LeftAlone, string? Guard, string? Code)
{
    public bool MayGo => !LeftAlone && Guard is null;
}

/// <summary>
/// The numbers a batch of leavers is judged against: the roster's size (when a roster is being applied),
/// the baseline it is compared with, and the leaver actions carried out in the last 24 hours on any path.
/// </summary>
/// <param name="RosterPeople">People in the roster being applied; for a dated action coming due, in the last roster applied (<c>null</c>: none).</param>
/// <param name="RosterBaseline">The largest roster applied within <c>Sync:RosterBaselineWindow</c> (<c>null</c>: none).</param>
/// <param name="CarriedOutLast24Hours">Deactivations and removals carried out (or sent and not settled) in the 24 hours before now, by sync, due or apply.</param>
/// <param name="ManagedPeople">The people BulkOnboard manages (onboarded by it and not taken away): the size guard's baseline before any roster was applied, and the percentage's basis where no roster is.</param>
internal sealed record LeaverWindow(int? RosterPeople, int? RosterBaseline, int CarriedOutLast24Hours, int ManagedPeople);

/// <summary>
/// The one leaver policy (PRODUCT.md, "One way to change Tallyfy"): whether a person may be deactivated or
/// removed, whichever path asks (a sync's plan, an approved plan's apply, a dated leaver when scheduled and
/// when due). A pure function of the candidates, the settings and the window; it sends and writes nothing.
/// <list type="number">
/// <item>Provenance: only people BulkOnboard created or invited, unless <c>Sync:ManageExisting</c> (the rest are left alone, not held).</item>
/// <item>Per person: never the default administrator, admins only with <c>Sync:AllowAdminLeavers</c>, never <c>Sync:Protected</c>; the grace (<c>Sync:LeaverGraceRuns</c> and <c>Sync:LeaverGracePeriod</c>) for the absent.</item>
/// <item>Per batch: a roster under <c>Sync:MinRosterPercent</c> of the baseline applies no leavers; <c>Sync:MaxLeavers</c> and
/// <c>Sync:MaxLeaversPercent</c> count the batch with every leaver action carried out in the last 24 hours. A batch beyond them is
/// held whole: part of a suspicious batch is never carried out (a schedule of 200 wrong end dates removes nobody).</item>
/// </list>
/// </summary>
internal sealed class LeaverPolicy(SyncOptions options)
{
    public const string CodeDefaultAdmin = "default_admin";
    public const string CodeAdmin = "admin";
    public const string CodeProtected = "protected";
    public const string CodeGrace = "grace";
    public const string CodeRoster = "min_roster";
    public const string CodeCap = "max_leavers";
    public const string CodeCapPercent = "max_leavers_percent";

    /// <summary>
    /// Whether an approver may lift a hold of this guard (PRODUCT.md, "Approvals inside Tallyfy"): the grace, the roster's size
    /// and the caps are judgements a person may make; the default administrator, admins and protected emails are never let go.
    /// </summary>
    public static bool Approvable(string? code) => code is CodeGrace or CodeRoster or CodeCap or CodeCapPercent or CodeHeldInPlan;

    /// <summary>Held because the approved plan held it, though today's guards would let it go (<see cref="PlanApproval"/>).</summary>
    public const string CodeHeldInPlan = "held_in_plan";

    /// <summary>The window the caps count over.</summary>
    public static readonly TimeSpan CapWindow = TimeSpan.FromHours(24);

    private readonly HashSet<string> _protected = options.Protected.Select(EmailAddress.Normalize).ToHashSet(StringComparer.Ordinal);

    /// <summary>Provenance: whether a sync may change or remove this person at all (the rest are left alone, never held).</summary>
    public static bool InScope(SyncOptions options, bool onboarded) => options.ManageExisting || onboarded;

    /// <summary>Judges a batch: each person first, then the batch of those who may still go against the roster size and the caps.</summary>
    public IReadOnlyList<LeaverVerdict> Judge(IReadOnlyList<LeaverCandidate> leavers, LeaverWindow window, DateTimeOffset now)
    {
        var verdicts = leavers.Select(l => JudgePerson(l, now)).ToList();
        var going = verdicts.Count(v => v.MayGo);
        if (going == 0)
        {
            return verdicts;
        }

        if (GuardBatch(going, window) is not { } batch)
        {
            return verdicts;
        }

        return [.. verdicts.Select(v => v.MayGo ? v with { Guard = batch.Guard, Code = batch.Code } : v)];
    }

    /// <summary>The guards that hold one person whatever the numbers; provenance leaves the rest alone.</summary>
    public LeaverVerdict JudgePerson(LeaverCandidate leaver, DateTimeOffset now)
    {
        if (!InScope(options, leaver.Onboarded))
        {
            return new(leaver, LeftAlone: true, "not onboarded by BulkOnboard: left alone (Sync:ManageExisting)", null);
        }

        if (leaver.IsDefaultAdmin)
        {
            return Held(leaver, "the default administrator is never deactivated", CodeDefaultAdmin);
        }

        if (leaver.Kind == PersonKind.Member && string.Equals(leaver.Role, "admin", StringComparison.OrdinalIgnoreCase) && !options.AllowAdminLeavers)
        {
            return Held(leaver, "an admin: admins are not deactivated unless Sync:AllowAdminLeavers is true", CodeAdmin);
        }

        if (_protected.Contains(EmailAddress.Normalize(leaver.Email)))
        {
            return Held(leaver, "a protected email (Sync:Protected)", CodeProtected);
        }

        if (leaver.Absence is { } absence)
        {
            if (absence.Rosters < options.LeaverGraceRuns)
            {
                return Held(leaver, $"grace: missing from {absence.Rosters} of the {options.LeaverGraceRuns} consecutive distinct rosters Sync:LeaverGraceRuns asks for", CodeGrace);
            }

            var missingFor = now - (absence.Since ?? now);
            if (missingFor < options.LeaverGracePeriod)
            {
                return Held(leaver, $"grace: missing since {absence.Since:u} ({Describe(missingFor)}), less than Sync:LeaverGracePeriod ({options.LeaverGracePeriod})", CodeGrace);
            }
        }

        return new(leaver, LeftAlone: false, null, null);
    }

    /// <summary>The guard that holds a whole batch of <paramref name="going"/> leavers, or <c>null</c>.</summary>
    public (string Guard, string Code)? GuardBatch(int going, LeaverWindow window)
    {
        // Against the largest roster applied within Sync:RosterBaselineWindow; before any, against the people BulkOnboard manages.
        var baseline = window.RosterBaseline ?? window.ManagedPeople;
        if (window.RosterPeople is { } people && baseline > 0 && people * 100.0 < baseline * options.MinRosterPercent)
        {
            return ($"the roster has {people} people, under {options.MinRosterPercent}% of the {baseline} of the largest roster applied within Sync:RosterBaselineWindow: no leavers are applied from it (Sync:MinRosterPercent)", CodeRoster);
        }

        var total = going + window.CarriedOutLast24Hours;
        var counted = window.CarriedOutLast24Hours == 0 ? $"{going} leavers" : $"{total} leavers ({going} now, {window.CarriedOutLast24Hours} carried out in the last 24 hours)";
        if (total > options.MaxLeavers)
        {
            return ($"{counted} are more than Sync:MaxLeavers ({options.MaxLeavers}) allows in 24 hours", CodeCap);
        }

        // The people in scope: the roster being applied with its leavers (a due check: the managed people), never fewer than the baseline.
        var basis = Math.Max(window.RosterBaseline ?? 0, (window.RosterPeople ?? window.ManagedPeople) + going);
        return total * 100.0 > basis * options.MaxLeaversPercent
            ? ($"{counted} are more than Sync:MaxLeaversPercent ({options.MaxLeaversPercent}% of {basis} people) allows in 24 hours", CodeCapPercent)
            : null;
    }

    private static LeaverVerdict Held(LeaverCandidate leaver, string guard, string code) => new(leaver, LeftAlone: false, guard, code);

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : $"{Math.Max(0, span.TotalMinutes):0} min";
}
