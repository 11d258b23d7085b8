namespace BulkOnboard.Sandbox;

/// <summary>How the sandbox behaves. Section <c>Sandbox</c>; every fault is off by default.</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The only token the sandbox accepts. Default <c>sandbox-token</c>.</summary>
    public string AccessToken { get; set; } = "sandbox-token";

    /// <summary>The only organization it knows. Default <c>sandbox-org</c>.</summary>
    public string OrganizationId { get; set; } = "sandbox-org";

    /// <summary>Client-credentials flow: the client id <c>POST /oauth/token</c> accepts. Default <c>sandbox-client</c>.</summary>
    public string ClientId { get; set; } = "sandbox-client";

    /// <summary>Client-credentials flow: its secret. Default <c>sandbox-secret</c>.</summary>
    public string ClientSecret { get; set; } = "sandbox-secret";

    /// <summary>How long issued tokens work. Default 1 hour.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The <c>expires_in</c> announced, when it should differ from the real lifetime (a token revoked early).</summary>
    public TimeSpan? AnnouncedTokenLifetime { get; set; }

    /// <summary>Server-side rate limit as a token bucket (bursts of <see cref="Burst"/>); 0 for none.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>
    /// Strict windows, each <c>N/duration</c> (<c>10/1s</c>, <c>100/1m</c>, <c>1000/1h</c>, <c>200/00:00:40</c>):
    /// at most N requests in any such span, all windows at once, 429 with <c>Retry-After</c> beyond.
    /// </summary>
    public List<string> RateLimits { get; set; } = [];

    /// <summary>Whether answers carry rate-limit headers at all (many APIs do not). Default <c>true</c>.</summary>
    public bool SendRateLimitHeaders { get; set; } = true;

    /// <summary>
    /// Which rate-limit headers: <c>x</c> (<c>X-RateLimit-Limit</c>/<c>-Remaining</c>, no window stated, the
    /// default), <c>x-reset</c> (with <c>X-RateLimit-Reset</c> in seconds), <c>ietf</c> (<c>RateLimit-Limit</c>/
    /// <c>-Remaining</c>/<c>-Reset</c> and <c>RateLimit-Policy</c>), or <c>none</c>.
    /// </summary>
    public string RateLimitHeaders { get; set; } = "x";

    /// <summary>
    /// After this many API requests, every request is answered 429 with <c>Retry-After</c> for
    /// <see cref="ThrottleDuration"/> (a spent hourly allowance, say). <c>POST /_sandbox/throttle?seconds=N</c>
    /// starts one at any time.
    /// </summary>
    public int? ThrottleAfterRequests { get; set; }

    /// <summary>How long the throttle lasts.</summary>
    public TimeSpan ThrottleDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Requests the limit lets through at once; 0 for ten seconds' worth of <see cref="RequestsPerMinute"/>.</summary>
    public int Burst { get; set; }

    /// <summary>Added to every API response.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Share of requests answered 503 before anything is applied (0 to 1).</summary>
    public double FailureRate { get; set; }

    /// <summary>Share of requests whose connection is dropped before anything is applied.</summary>
    public double DropRate { get; set; }

    /// <summary>Share of successful writes (POST, PUT and DELETE alike) whose response is lost after the write was applied (a 502 or a dropped connection).</summary>
    public double LostResponseRate { get; set; }

    /// <summary>Share of requests that answer only after this long: see <see cref="SlowLatency"/>.</summary>
    public double SlowRate { get; set; }

    /// <summary>How slow the slow responses are.</summary>
    public TimeSpan SlowLatency { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// When a scheduled outage begins, counted from the sandbox's start: for <see cref="OutageDuration"/>
    /// every API request is answered 503 and nothing is applied. <c>POST /_sandbox/outage?seconds=N</c>
    /// starts one at any time, <c>DELETE /_sandbox/outage</c> ends it.
    /// </summary>
    public TimeSpan? OutageStart { get; set; }

    /// <summary>
    /// When a scheduled outage begins, counted in API requests instead: the request after this many starts it (so a
    /// test's outage falls mid-run however slowly the client starts). Lasts <see cref="OutageDuration"/>.
    /// </summary>
    public int? OutageAfterRequests { get; set; }

    /// <summary>How long the scheduled outage lasts.</summary>
    public TimeSpan OutageDuration { get; set; }

    /// <summary>
    /// Whether <c>PUT /guests/{email}</c> updates every field, as Tallyfy's older pages said. Default
    /// <c>false</c>: as the current pages say, only <c>associated_members</c>; the rest is ignored.
    /// </summary>
    public bool GuestUpdateAppliesAllFields { get; set; }

    /// <summary>Whether the token may invite <c>admin</c> members. Default <c>true</c>; <c>false</c> answers such invites 403, as Tallyfy does for a non-admin token.</summary>
    public bool TokenMayInviteAdmins { get; set; } = true;

    /// <summary>
    /// Seats in the <i>full</i> pool (admin and standard members); beyond them an admin or standard invite is
    /// answered 409 <c>SEAT_POOL_EXHAUSTED</c> with <c>pool_type: full</c>. Default: no limit.
    /// </summary>
    public int? SeatLimit { get; set; }

    /// <summary>Seats in the <i>light</i> pool; beyond them a light invite is answered 409 with <c>pool_type: light</c>. Default: no limit.</summary>
    public int? LightSeatLimit { get; set; }

    /// <summary>"Require SSO" on: every member invite is answered 403 naming SSO (manual invites blocked); guests go on.</summary>
    public bool RequireSso { get; set; }

    /// <summary>
    /// An application token for another organization: every API request is answered
    /// <c>403 "You don't have application's permissions for this organization!"</c>.
    /// </summary>
    public bool WrongOrganization { get; set; }

    /// <summary>Members who belong to other organizations too: an admin's <c>PUT /users/{id}</c> for them is answered 403.</summary>
    public List<string> MultiOrgMembers { get; set; } = [];

    /// <summary>Emails that already exist as guests.</summary>
    public List<string> ExistingGuests { get; set; } = [];

    /// <summary>Emails that already exist as members (active, role <c>standard</c>).</summary>
    public List<string> ExistingMembers { get; set; } = [];

    /// <summary>The organization's default administrator (an active <c>admin</c> member Tallyfy never lets anyone deactivate). Default <c>owner@sandbox.example</c>; empty for none.</summary>
    public string? DefaultAdmin { get; set; } = "owner@sandbox.example";

    /// <summary>
    /// When a group's <c>members</c> and <c>guests</c> are shown: <c>asked</c> (default, as Tallyfy documents:
    /// when <c>with=users,guests</c> asks, in listings and reads), <c>read-only</c> (never in the listing, only
    /// when one group is read with <c>with=</c>), or <c>never</c> (a server that ignores <c>with=</c>).
    /// </summary>
    public string GroupLists { get; set; } = "asked";

    /// <summary>
    /// Tallyfy's hourly cap on guest creation per organization (<c>30/1h</c> on Tallyfy; scaled down in
    /// tests, <c>10/60s</c>): a create beyond it is answered 429 with <c>Retry-After</c> and Tallyfy's body
    /// ("You've reached the hourly limit for Guest Invite (N per hour per organization)...", <c>code:
    /// RATE_LIMIT_EXCEEDED</c>), no rate-limit headers; other requests are not counted. Default: none.
    /// </summary>
    public string? GuestCap { get; set; }

    /// <summary>Burst protection per token, as <c>N/duration</c> (<c>10/1s</c>): beyond it, every request is refused for <see cref="BurstThrottle"/>. Default: none.</summary>
    public string? BurstLimit { get; set; }

    /// <summary>How long the burst throttle refuses everything. Default 3 seconds.</summary>
    public TimeSpan BurstThrottle { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The most a listing page holds, whatever <c>per_page</c> asks (guests, members and groups). Default 100,
    /// Tallyfy's real cap; <c>total_pages</c> is stated for the size served.
    /// </summary>
    public int PageCap { get; set; } = 100;

    /// <summary>
    /// The hostile server: every listing page holds this many, whatever <c>per_page</c> asks, while
    /// <c>total_pages</c> is computed from the size asked (a client that trusts it stops early). Default: off.
    /// </summary>
    public int? IgnorePerPage { get; set; }

    /// <summary>
    /// The broken server: headers set on every API answer, over the sandbox's own (<c>Retry-After: 0</c> on
    /// every 429, <c>X-RateLimit-Reset</c> in epoch milliseconds, <c>RateLimit-Policy: 10;w=1e300</c>). Default: none.
    /// </summary>
    public Dictionary<string, string> AnswerHeaders { get; set; } = [];

    /// <summary>
    /// The broken gateway: writes answered 2xx with what is not Tallyfy's answer: <c>error-json</c> (<c>200
    /// {"error":true,"message":"Internal failure, nothing was saved"}</c>), <c>login-page</c> (<c>201</c> and an
    /// HTML sign-in page: an SSO gateway, a captive proxy) or <c>empty</c> (<c>201</c>, no body). Default: none.
    /// </summary>
    public string? FalseSuccess { get; set; }

    /// <summary>How many writes get <see cref="FalseSuccess"/> (the first N); default: every one.</summary>
    public int? FalseSuccessWrites { get; set; }

    /// <summary>Whether such a write was applied before its answer (its real answer lost on the way); default: nothing was saved.</summary>
    public bool FalseSuccessApplied { get; set; }

    /// <summary>
    /// A server whose guest and member listings state no total: <c>{"data": [...]}</c> without <c>meta</c>
    /// (a gateway, an error shaped like a listing). Default <c>false</c>: Tallyfy's pagination block on every page.
    /// </summary>
    public bool ListingsWithoutMeta { get; set; }

    /// <summary>
    /// The templates ("checklists") the organization has, for onboarding journeys. Empty (the default): one
    /// "Employee Onboarding" template, so a demo works (<see cref="SandboxTemplates.Default"/>).
    /// </summary>
    public List<SandboxTemplateOptions> Templates { get; set; } = [];

    /// <summary>
    /// The label of a kick-off field whose value <c>POST /runs</c> drops without an error (the template still lists
    /// the field; 201 as usual): Tallyfy dropping a key it does not take. Default: none.
    /// </summary>
    public string? DropKickoffLabel { get; set; }

    /// <summary>Share of process launches (<c>POST /runs</c>) that are applied (the process exists) and whose answer is then lost (a dropped connection), 0 to 1.</summary>
    public double RunLostAnswerRate { get; set; }

    /// <summary>
    /// Tallyfy's cap on task comments (<c>POST /tasks/{id}/comment</c>) per organization in any rolling hour: beyond it,
    /// 429 <c>RATE_LIMIT_EXCEEDED</c> with <c>Retry-After</c>. Default 120, Tallyfy's; 0 for none.
    /// </summary>
    public int CommentsPerHour { get; set; } = 120;

    /// <summary>Whether task webhooks are never sent (every one lost, as Tallyfy's may be: sent once, never retried). Default <c>false</c>.</summary>
    public bool DropWebhooks { get; set; }

    /// <summary>
    /// Invitation acceptance on its own: an invited member becomes active once this many further API requests have been
    /// served after their invite. Default: never (tests accept with <c>POST /_sandbox/accept?email=</c> or
    /// <see cref="SandboxState.AcceptInvitation"/>).
    /// </summary>
    public int? AcceptInvitesAfter { get; set; }

    /// <summary>Seed for the fault dice, for reproducible runs.</summary>
    public int? Seed { get; set; }
}
