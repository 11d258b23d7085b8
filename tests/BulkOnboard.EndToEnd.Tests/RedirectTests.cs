using System.Collections.Concurrent;
using System.Net;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>A write answered with a redirect is not Tallyfy's answer: the row fails, nothing is followed, nothing recorded done.</summary>
public class RedirectTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void SetUp() => _workspace = new Workspace();

    [TearDown]
    public void TearDown() => _workspace.Dispose();

    [TestCase(301)]
    [TestCase(302)]
    [TestCase(307)]
    public async Task CreateAnsweredWithARedirect_RowFailedSayingWhere_NothingSentThere_AndAReRunSendsItAgain(int status)
    {
        using var elsewhere = new WebhookReceiver();
        using var api = new RedirectingApi(status, elsewhere.Url + "guests");
        var settings = new Dictionary<string, string?>
        {
            ["Tallyfy:BaseUrl"] = api.BaseUrl,
            ["Tallyfy:OrganizationId"] = "org1",
            ["Tallyfy:AccessToken"] = "token-that-must-stay-home",
            ["Delivery:RetryBaseDelay"] = "00:00:00.010",
            ["Import:DefaultKind"] = "guest",
            ["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db"),
        };
        var file = _workspace.Write("people.csv", "Email,First Name\nann@example.com,Ann\n");

        var first = await CliRun.RunAsync(settings, "import", file, "--out", Path.Combine(_workspace.Folder, "first"));
        var again = await CliRun.RunAsync(settings, "import", file, "--out", Path.Combine(_workspace.Folder, "again"));

        Assert.That(first.ExitCode, Is.EqualTo(2), first.ToString());
        var row = new Reports(Path.Combine(_workspace.Folder, "first")).Results().Single();
        Assert.That(row.Outcome, Is.EqualTo("failed"));
        Assert.That(row.HttpStatus, Is.EqualTo(status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(row.Message, Does.Contain($"redirect to {elsewhere.Url}guests").And.Contain("not followed"));
        Assert.That(elsewhere.Bodies, Is.Empty, "nothing reached the other origin");
        Assert.That(again.ExitCode, Is.EqualTo(2), again.ToString());
        Assert.That(new Reports(Path.Combine(_workspace.Folder, "again")).Results().Single().Outcome, Is.EqualTo("failed"), "not already_done");
        Assert.That(api.Posts, Is.EqualTo(2), "the re-run sent the row again");
    }

    /// <summary>An API on 127.0.0.1 that answers every request with <c>status</c> and a Location elsewhere.</summary>
    private sealed class RedirectingApi : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<string> _methods = new();

        public RedirectingApi(int status, string location)
        {
            BaseUrl = $"http://127.0.0.1:{WebhookReceiver.FreePort()}/api/";
            _listener.Prefixes.Add(BaseUrl);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    _methods.Enqueue(context.Request.HttpMethod);
                    context.Response.StatusCode = status;
                    context.Response.RedirectLocation = location;
                    context.Response.Close();
                }
            });
        }

        public string BaseUrl { get; }

        public int Posts => _methods.Count(m => m == "POST");

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }
}
