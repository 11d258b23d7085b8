using System.Collections.Concurrent;
using System.Net;
using System.Text;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Support;

/// <summary>One request as MockHttp received it: method, path with query (the organization's prefix removed), body.</summary>
internal sealed record SeenRequest(string Method, string Path, string? Body)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>
/// Answers MockHttp routes and remembers every request they (and the fallback) received, in order, so a
/// test asserts the exact requests made. Routes are given relative to the harness's organization.
/// </summary>
internal sealed class SeenRequests
{
    public const string Org = DeliveryHarness.BaseUrl + "/organizations/org%201/";

    private readonly ConcurrentQueue<SeenRequest> _seen = new();
    private readonly MockHttpMessageHandler _http;

    public SeenRequests(MockHttpMessageHandler http)
    {
        _http = http;

        // A request no route expects is still seen (and asserted on): it gets a 400 no retry hides.
        http.Fallback.Respond(request => Answer(request, (HttpStatusCode)400, """{"message":"no route in this test"}"""));
    }

    public IReadOnlyList<SeenRequest> All => [.. _seen];

    /// <summary>"GET groups/g1?with=users,guests", and so on, in the order sent.</summary>
    public IReadOnlyList<string> Lines => [.. _seen.Select(r => r.ToString())];

    /// <summary>Whether anything other than a GET was sent.</summary>
    public IReadOnlyList<SeenRequest> Writes => [.. _seen.Where(r => r.Method != "GET")];

    /// <summary>
    /// Answers <paramref name="method"/> <paramref name="path"/> (any query unless the path gives one) with <paramref name="status"/> and JSON;
    /// with <paramref name="bodyContains"/>, only requests whose body holds it (routes match in the order they were added).
    /// </summary>
    public void Reply(HttpMethod method, string path, HttpStatusCode status, string? json = null, string? bodyContains = null)
    {
        var route = _http.When(method, Org + path);
        (bodyContains is null ? route : route.WithPartialContent(bodyContains)).Respond(request => Answer(request, status, json));
    }

    /// <summary>Answers with the JSON <paramref name="json"/> gives when the request arrives (what Tallyfy holds may change between runs).</summary>
    public void Reply(HttpMethod method, string path, HttpStatusCode status, Func<string> json) =>
        _http.When(method, Org + path).Respond(request => Answer(request, status, json()));

    /// <summary>Answers each request to the route with the next of <paramref name="answers"/> (the last one again once they run out).</summary>
    public void ReplyInTurn(HttpMethod method, string path, params (HttpStatusCode Status, string? Json)[] answers)
    {
        var next = -1;
        _http.When(method, Org + path).Respond(request =>
        {
            var (status, json) = answers[Math.Min(Interlocked.Increment(ref next), answers.Length - 1)];
            return Answer(request, status, json);
        });
    }

    /// <summary>The connection drops before an answer comes: the request may or may not have been applied.</summary>
    public void Drop(HttpMethod method, string path) =>
        // Recorded as it is matched: MockHttp's Throw fails the request the way a dropped connection does.
        _http.When(method, Org + path).With(request =>
        {
            RecordAsync(request).GetAwaiter().GetResult();
            return true;
        }).Throw(new HttpRequestException("The response ended prematurely."));

    /// <summary>No answer ever comes: the request hangs until the client gives up on it (its per-attempt timeout).</summary>
    /// <param name="entered">Set when the request arrives.</param>
    public void Hang(HttpMethod method, string path, TaskCompletionSource? entered = null) =>
        _http.When(method, Org + path).Respond(new HangingHandler(this, entered));

    /// <summary>Runs <paramref name="before"/> when the route's request arrives, then answers it.</summary>
    public void ReplyAfter(HttpMethod method, string path, Action before, HttpStatusCode status, string? json = null) =>
        _http.When(method, Org + path).Respond(async request =>
        {
            before();
            return await Answer(request, status, json);
        });

    private async Task<HttpResponseMessage> Answer(HttpRequestMessage request, HttpStatusCode status, string? json)
    {
        await RecordAsync(request);
        return new HttpResponseMessage(status) { Content = new StringContent(json ?? string.Empty, Encoding.UTF8, "application/json") };
    }

    private async Task RecordAsync(HttpRequestMessage request)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync();
        var path = request.RequestUri!.AbsoluteUri;
        _seen.Enqueue(new SeenRequest(request.Method.Method, path.StartsWith(Org, StringComparison.Ordinal) ? Uri.UnescapeDataString(path[Org.Length..]) : path, body));
    }

    private sealed class HangingHandler(SeenRequests seen, TaskCompletionSource? entered) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await seen.RecordAsync(request);
            entered?.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
