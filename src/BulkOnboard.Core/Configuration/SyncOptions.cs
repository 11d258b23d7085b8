namespace BulkOnboard.Configuration;

/// <summary>How <c>bulkonboard sync</c> treats leavers and plans. Section <c>Sync</c> (PRODUCT.md, "Sync").</summary>
internal sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>Let sync change and remove people BulkOnboard did not onboard itself. Default <c>false</c>.</summary>
    public bool ManageExisting { get; set; }

    /// <summary>Let sync deactivate admins who left the roster. Default <c>false</c>: they are held.</summary>
    public bool AllowAdminLeavers { get; set; }

    /// <summary>Emails sync never deactivates or removes.</summary>
    public string[] Protected { get; set; } = [];

    /// <summary>The most leaver actions in any 24 hours, counting those any path carried out (<c>Plan/LeaverPolicy</c>); a batch beyond it is held whole. Default 10.</summary>
    public int MaxLeavers { get; set; } = 10;

    /// <summary>The same in 24 hours, as a percentage of the people in scope; a batch beyond it is held whole. Default 5.</summary>
    public double MaxLeaversPercent { get; set; } = 5;

    /// <summary>A roster with fewer people than this percentage of the largest roster applied within <see cref="RosterBaselineWindow"/> applies no leavers. Default 80.</summary>
    public double MinRosterPercent { get; set; } = 80;

    /// <summary>How far back <see cref="MinRosterPercent"/> looks for the largest applied roster. Default 7 days.</summary>
    public TimeSpan RosterBaselineWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How many consecutive distinct applied rosters (a roster applied twice counts once) a leaver must be missing from. Default 2.</summary>
    public int LeaverGraceRuns { get; set; } = 2;

    /// <summary>How long a leaver must have been missing, as well as <see cref="LeaverGraceRuns"/> rosters, before they go. Default 1 day.</summary>
    public TimeSpan LeaverGracePeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A member (email or id) who takes over a leaver's open tasks when no manager who stays can (Plan/HandOver). None by default.</summary>
    public string? ReassignTo { get; set; }

    /// <summary>How old a plan may be when <c>--apply</c> is given it. Default 24 hours.</summary>
    public TimeSpan PlanMaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Create groups the roster names that Tallyfy lacks. Default <c>false</c>.</summary>
    public bool CreateGroups { get; set; }

    /// <summary>Held changes become one approval task in Tallyfy (PRODUCT.md, "Approvals inside Tallyfy"). Section <c>Sync:Approval</c>.</summary>
    public ApprovalOptions Approval { get; set; } = new();
}

/// <summary>Who approves a sync's held changes inside Tallyfy, by when, and where Tallyfy's task webhook may prompt a read.</summary>
internal sealed class ApprovalOptions
{
    /// <summary>Member emails, or <c>group:NAME</c>: who may complete the approval task. None (the default): no task, held changes wait for <c>--apply</c>.</summary>
    public List<string> Approvers { get; set; } = [];

    /// <summary>The approval task's deadline, from when it is asked. Default 3 days.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Where Tallyfy's task webhook is sent (the watch service listens there): it only prompts a read. Optional.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>How often an open approval task is read, at most (the watch service; backing off while nothing changes). Default 1 minute.</summary>
    public TimeSpan PollEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether held changes are asked about in Tallyfy.</summary>
    public bool IsOn => Approvers.Count > 0;
}
