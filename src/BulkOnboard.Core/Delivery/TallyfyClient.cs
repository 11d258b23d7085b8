using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Plan;
using BulkOnboard.Validation;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Delivery;

/// <summary>
/// The typed HTTP client for the two write endpoints. It sends one request and reports what came
/// back; deciding what a response means is <see cref="ResponseClassifier"/>'s job, pacing the
/// <see cref="RequestGate"/>'s, retrying the <see cref="AttemptLoop"/>'s.
/// </summary>
internal sealed partial class TallyfyClient(HttpClient http, IOptions<TallyfyOptions> options, AccessTokenProvider tokens, TimeProvider timeProvider)
{
    private const int FirstChunkChars = 16 * 1024;

    /// <summary>Far above any real answer (a full listing page is about 1 MB); only a runaway body meets it.</summary>
    private const int MaxBodyChars = 64 * 1024 * 1024;

    public static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly string _organizationId = Uri.EscapeDataString(options.Value.OrganizationId ?? string.Empty);

    /// <summary>Applies the base address and the headers every Tallyfy request must carry.</summary>
    public static void Configure(HttpClient http, TallyfyOptions options)
    {
        var baseUrl = options.BaseUrl.EndsWith('/') ? options.BaseUrl : options.BaseUrl + "/";
        http.BaseAddress = new Uri(baseUrl);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.Add("X-Tallyfy-Client", "APIClient");
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("BulkOnboard", "0.1"));

        // Per-attempt timeouts come from the resilience pipeline, not from HttpClient.
        http.Timeout = Timeout.InfiniteTimeSpan;
    }

    public async Task<ApiResponse> SendAsync(PersonPayload payload, CancellationToken cancellationToken)
    {
        var path = payload.Kind == PersonKind.Guest
            ? $"organizations/{_organizationId}/guests"
            : $"organizations/{_organizationId}/users/invite";
        return await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(payload, payload.GetType(), options: Json) }, cancellationToken, expected: AnswerShape.Record);
    }

    /// <summary>
    /// <c>PUT /organizations/{org}/guests/{email}</c> with the guest's <c>associated_members</c>, the one
    /// field Tallyfy's current API updates (the list replaces Tallyfy's).
    /// </summary>
    public async Task<ApiResponse> UpdateGuestMembersAsync(string email, IReadOnlyList<long> associatedMembers, CancellationToken cancellationToken)
    {
        var path = $"organizations/{_organizationId}/guests/{Uri.EscapeDataString(email)}";
        var body = new Dictionary<string, object> { ["associated_members"] = associatedMembers };
        return await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body, options: Json) }, cancellationToken, expected: AnswerShape.Record);
    }

    /// <summary>One page of <c>GET /organizations/{org}/guests</c> or <c>/users</c>.</summary>
    public async Task<ApiResponse> ListAsync(PersonKind kind, int page, int perPage, CancellationToken cancellationToken)
    {
        var path = $"organizations/{_organizationId}/{(kind == PersonKind.Guest ? "guests" : "users")}?page={page}&per_page={perPage}";
        return await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken, listing: true);
    }

    /// <summary>
    /// One page of <c>GET /organizations/{org}/groups</c> (at most 100 a page), with each group's member
    /// and guest lists: Tallyfy sends them only when <c>with=users,guests</c> asks.
    /// </summary>
    public Task<ApiResponse> ListGroupsAsync(int page, int perPage, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"organizations/{_organizationId}/groups?page={page}&per_page={perPage}&with=users,guests"), cancellationToken);

    /// <summary><c>GET /organizations/{org}/groups/{id}</c> with its lists: the read just before a write.</summary>
    public Task<ApiResponse> GetGroupAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"organizations/{_organizationId}/groups/{Uri.EscapeDataString(id)}?with=users,guests"), cancellationToken);

    /// <summary><c>GET /organizations/{org}/users/{id}</c>: one member (an admin token's right).</summary>
    public Task<ApiResponse> GetMemberAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"organizations/{_organizationId}/users/{Uri.EscapeDataString(id)}"), cancellationToken);

    /// <summary><c>GET /organizations/{org}/me</c>: the token's own user in the organization (what <c>doctor</c> asks first).</summary>
    public Task<ApiResponse> GetMeAsync(CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"organizations/{_organizationId}/me"), cancellationToken);

    /// <summary><c>POST /organizations/{org}/groups</c> with its members and guests.</summary>
    public Task<ApiResponse> CreateGroupAsync(string name, string description, IReadOnlyList<long> members, IReadOnlyList<string> guests, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"organizations/{_organizationId}/groups")
        {
            Content = JsonContent.Create(new Dictionary<string, object> { ["name"] = name, ["description"] = description, ["members"] = members, ["guests"] = guests }, options: Json),
        }, cancellationToken, expected: AnswerShape.Record);

    /// <summary><c>PUT /organizations/{org}/groups/{id}</c>: the whole member and guest lists (each replaces Tallyfy's).</summary>
    public Task<ApiResponse> UpdateGroupAsync(ListedGroup group, IReadOnlyList<long> members, IReadOnlyList<string> guests, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Put, $"organizations/{_organizationId}/groups/{Uri.EscapeDataString(group.Id)}")
        {
            Content = JsonContent.Create(new Dictionary<string, object> { ["name"] = group.Name, ["description"] = group.Description, ["members"] = members, ["guests"] = guests }, options: Json),
        }, cancellationToken, expected: AnswerShape.Acknowledgement);

    /// <summary><c>PUT /organizations/{org}/users/{id}</c>: a member's profile; <c>first_name</c>, <c>last_name</c> and <c>timezone</c> are required every time.</summary>
    public Task<ApiResponse> UpdateProfileAsync(string memberId, string firstName, string lastName, string timezone, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Put, $"organizations/{_organizationId}/users/{Uri.EscapeDataString(memberId)}")
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["first_name"] = firstName, ["last_name"] = lastName, ["timezone"] = timezone }, options: Json),
        }, cancellationToken, expected: AnswerShape.Acknowledgement);

    /// <summary><c>PUT /organizations/{org}/users/{id}/role</c>: a member's new role.</summary>
    public Task<ApiResponse> ChangeRoleAsync(string memberId, string role, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Put, $"organizations/{_organizationId}/users/{Uri.EscapeDataString(memberId)}/role")
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["role"] = role }, options: Json),
        }, cancellationToken, expected: AnswerShape.Acknowledgement);

    /// <summary><c>DELETE /organizations/{org}/users/{id}</c>: deactivates a member, their tasks going to <paramref name="reassignTo"/> when given.</summary>
    public Task<ApiResponse> DeactivateMemberAsync(string memberId, string? reassignTo, CancellationToken cancellationToken)
    {
        var path = $"organizations/{_organizationId}/users/{Uri.EscapeDataString(memberId)}"
            + (reassignTo is null ? string.Empty : $"?with_reassignment=true&to={Uri.EscapeDataString(reassignTo)}");
        return SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken, expected: AnswerShape.Acknowledgement);
    }

    /// <summary><c>PUT /organizations/{org}/users/{id}/enable</c>: re-enables a deactivated member.</summary>
    public Task<ApiResponse> EnableMemberAsync(string memberId, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Put, $"organizations/{_organizationId}/users/{Uri.EscapeDataString(memberId)}/enable"), cancellationToken, expected: AnswerShape.Acknowledgement);

    /// <summary><c>DELETE /organizations/{org}/guests/{email}</c>: removes a guest from the organization.</summary>
    public Task<ApiResponse> RemoveGuestAsync(string email, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, $"organizations/{_organizationId}/guests/{Uri.EscapeDataString(email)}"), cancellationToken, expected: AnswerShape.Record);

    /// <summary>
    /// One page of a person's open tasks: a member's or a guest's through <c>GET /organizations/{org}/tasks?owners=ID</c>
    /// (or <c>guests=EMAIL</c>) <c>&amp;status=incomplete</c>; with <paramref name="guestList"/>, the guest's own
    /// <c>GET /guests/{guestId}/tasks</c> (10 a page whatever is asked).
    /// </summary>
    public Task<ApiResponse> ListOpenTasksAsync(string? memberId, string? guestEmail, string? guestList, int page, int perPage, CancellationToken cancellationToken)
    {
        var path = guestList is not null
            ? $"organizations/{_organizationId}/guests/{Uri.EscapeDataString(guestList)}/tasks?status=incomplete&page={page}&per_page={perPage}"
            : $"organizations/{_organizationId}/tasks?{(memberId is not null ? "owners=" + Uri.EscapeDataString(memberId) : "guests=" + Uri.EscapeDataString(guestEmail ?? string.Empty))}&status=incomplete&page={page}&per_page={perPage}";
        return SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
    }

    /// <summary><c>GET /organizations/{org}/tasks/{id}</c>: the task with its owners, read just before they are written.</summary>
    public Task<ApiResponse> GetTaskAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"organizations/{_organizationId}/tasks/{Uri.EscapeDataString(id)}"), cancellationToken);

    /// <summary>
    /// <c>PUT /organizations/{org}/tasks/{id}</c> (a one-off task) or <c>PUT /organizations/{org}/runs/{run}/tasks/{id}</c>
    /// (a step of a process, <paramref name="runId"/>) <c>{"owners": {users, guests, groups}}</c>: the lists replace the task's assignees.
    /// </summary>
    public Task<ApiResponse> UpdateTaskOwnersAsync(string id, string? runId, IReadOnlyList<long> users, IReadOnlyList<string> guests, IReadOnlyList<string> groups, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Put, runId is null
            ? $"organizations/{_organizationId}/tasks/{Uri.EscapeDataString(id)}"
            : $"organizations/{_organizationId}/runs/{Uri.EscapeDataString(runId)}/tasks/{Uri.EscapeDataString(id)}")
        {
            Content = JsonContent.Create(new Dictionary<string, object> { ["owners"] = new Dictionary<string, object> { ["users"] = users, ["guests"] = guests, ["groups"] = groups } }, options: Json),
        }, cancellationToken, expected: AnswerShape.Acknowledgement);

    /// <summary><c>POST /organizations/{org}/guests/{email}/to/member</c>: the guest becomes a member (standard), keeping their task history.</summary>
    public Task<ApiResponse> ConvertGuestToMemberAsync(string email, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"organizations/{_organizationId}/guests/{Uri.EscapeDataString(email)}/to/member"), cancellationToken, expected: AnswerShape.Record);

    /// <summary><c>PUT /organizations/{org}/users/{id}/to/guest</c>: the member becomes a guest (deactivated, out of every group, seat freed, tasks kept).</summary>
    public Task<ApiResponse> ConvertMemberToGuestAsync(string memberId, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Put, $"organizations/{_organizationId}/users/{Uri.EscapeDataString(memberId)}/to/guest"), cancellationToken, expected: AnswerShape.Acknowledgement);

    /// <summary><c>GET /organizations/{org}/guests/{email}</c>: one guest, or 404.</summary>
    public async Task<ApiResponse> GetGuestAsync(string email, CancellationToken cancellationToken)
    {
        var path = $"organizations/{_organizationId}/guests/{Uri.EscapeDataString(email)}";
        return await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
    }

    /// <summary>Sends a request; a 401 with client credentials gets one retry with a new token.</summary>
    /// <param name="expected">What the endpoint answers when it succeeds (TALLYFY-API.md): the classifier takes no other 2xx for a success.</param>
    private async Task<ApiResponse> SendAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken, bool listing = false, AnswerShape expected = AnswerShape.Unchecked)
    {
        var token = await tokens.GetAsync(cancellationToken);
        var response = await SendOnceAsync(createRequest(), token, listing, cancellationToken);
        if (response.Status == 401 && tokens.CanRenew)
        {
            tokens.Renew(token);
            response = await SendOnceAsync(createRequest(), await tokens.GetAsync(cancellationToken), listing, cancellationToken);
        }

        return response with { Expected = expected };
    }

    /// <param name="listing">A listing page: a 2xx answer is read as it streams in (<see cref="ListingPage"/>), not as text.</param>
    private async Task<ApiResponse> SendOnceAsync(HttpRequestMessage request, string token, bool listing, CancellationToken cancellationToken)
    {
        using var owned = request;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var status = (int)response.StatusCode;
        ListingPage? page = null;
        string body;
        if (listing && status is >= 200 and < 300)
        {
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                page = await ListingPage.ReadAsync(stream, cancellationToken);
                body = string.Empty;
            }
            catch (JsonException ex)
            {
                body = $"the listing could not be read: {ex.Message}";
            }
        }
        else
        {
            body = await ReadBodyAsync(response, cancellationToken);
        }

        var now = timeProvider.GetUtcNow();
        var (retryAfter, retryAfterIgnored) = RetryAfter.Read(Header(response, "Retry-After"), now);
        var rateLimit = RateLimitHeaderParser.Parse(name => Header(response, name), now);
        return new ApiResponse(status, SecretRedactor.Redact(body, tokens.Secrets), retryAfter, rateLimit, response.Headers.Date)
        {
            Listing = page,
            Location = response.Headers.Location,
            RawBody = body,
            RequestId = RequestIdOf(response),
            IgnoredHeaders = retryAfterIgnored is null ? rateLimit.Ignored : [retryAfterIgnored, .. rateLimit.Ignored ?? []],
        };
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);

        // Most answers fit the pooled buffer: a fresh one per request would be most of what a fast
        // import allocates. A listing page (999 guests, 9,999 members) is read on, whole.
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(FirstChunkChars);
        try
        {
            var length = await reader.ReadBlockAsync(buffer.AsMemory(0, FirstChunkChars), cancellationToken);
            if (length < FirstChunkChars)
            {
                return new string(buffer, 0, length);
            }

            var whole = new StringBuilder(FirstChunkChars * 4).Append(buffer, 0, length);
            while ((length = await reader.ReadAsync(buffer.AsMemory(0, FirstChunkChars), cancellationToken)) > 0)
            {
                if (whole.Length + length > MaxBodyChars)
                {
                    throw new InvalidDataException($"the API's answer is larger than {MaxBodyChars / (1024 * 1024)} M characters; it was not read");
                }

                whole.Append(buffer, 0, length);
            }

            return whole.ToString();
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary><c>X-Request-Id</c>, kept only when it looks like an id (printable, short): it goes into reports and logs.</summary>
    private static string? RequestIdOf(HttpResponseMessage response) =>
        Header(response, "X-Request-Id")?.Trim() is { Length: > 0 and <= 128 } id && id.All(c => c is > ' ' and < (char)127 && c != ',' && c != '"') ? id : null;

    /// <summary>A header's first value as it came (not through .NET's typed parsing, which drops a value it cannot read).</summary>
    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? values.First() : null;
}
