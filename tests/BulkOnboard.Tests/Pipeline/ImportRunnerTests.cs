using System.Net;
using System.Text;
using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Pipeline;

public class ImportRunnerTests
{
    private TestFiles _files = null!;
    private DeliveryHarness _delivery = null!;

    [SetUp]
    public void SetUp()
    {
        _files = new TestFiles();
        _delivery = new DeliveryHarness(DeliveryHarness.Fast(o => o.MaxConcurrency = 8));
    }

    [TearDown]
    public void TearDown()
    {
        _delivery.Dispose();
        _files.Dispose();
    }

    [Test]
    public async Task RunAsync_ResponsesInAnyOrder_ReportIsInInputOrder()
    {
        var random = new Random(11);
        _delivery.Http.When(DeliveryHarness.GuestsUrl).Respond(async () =>
        {
            await Task.Delay(random.Next(0, 15));
            return DeliveryHarness.Created();
        });

        var summary = await RunAsync(Guests(100));

        Assert.That(summary.Created, Is.EqualTo(100));
        Assert.That(ResultRows(summary), Is.EqualTo(Enumerable.Range(2, 100)));
    }

    [Test]
    public async Task RunAsync_TokenRefusedMidRun_StopsSending_ReportsEveryRowOnce_Exit3()
    {
        var calls = 0;
        _delivery.Http.When(DeliveryHarness.GuestsUrl).Respond(() => Task.FromResult(
            Interlocked.Increment(ref calls) <= 10 ? DeliveryHarness.Created() : new HttpResponseMessage(HttpStatusCode.Unauthorized)));

        var summary = await RunAsync(Guests(200));

        Assert.That(summary.ExitCode, Is.EqualTo(ExitCodes.Aborted));
        Assert.That(summary.Total, Is.EqualTo(200));
        Assert.That(summary.Created, Is.EqualTo(10));
        Assert.That(summary.NotAttempted, Is.EqualTo(190));
        Assert.That(calls, Is.LessThanOrEqualTo(10 + 8), "after the 401 only requests already in flight go out");
        Assert.That(summary.StoppedBecause, Does.Contain("HTTP 401"));
        Assert.That(ResultRows(summary), Is.EqualTo(Enumerable.Range(2, 200)));
    }

    [Test]
    public async Task RunAsync_ShutdownMidRun_FinishesInFlight_RestNotAttempted_Exit3()
    {
        using var shutdown = new CancellationTokenSource();
        var calls = 0;
        _delivery.Http.When(DeliveryHarness.GuestsUrl).Respond(async () =>
        {
            if (Interlocked.Increment(ref calls) == 20)
            {
                await shutdown.CancelAsync();
            }

            await Task.Delay(5);
            return DeliveryHarness.Created();
        });

        var summary = await RunAsync(Guests(300), shutdown.Token);

        Assert.That(summary.ExitCode, Is.EqualTo(ExitCodes.Aborted));
        Assert.That(summary.Created + summary.NotAttempted, Is.EqualTo(300));
        Assert.That(summary.Created, Is.EqualTo(calls), "every request that went out was answered and reported");
        Assert.That(summary.StoppedBecause, Does.Contain("shutdown"));
        Assert.That(File.ReadAllLines(summary.Reports!.Failed), Has.Length.EqualTo(1 + summary.NotAttempted));
    }

    [Test]
    public async Task RunAsync_InvalidAndDuplicateRows_AreReportedWithoutRequests()
    {
        _delivery.Http.When(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", DeliveryHarness.CreatedBody);
        var path = _files.Write("mixed.csv", "Email\na@x.example\nnot-an-email\nA@X.example\nb@x.example\n");

        var summary = await RunAsync(path);

        Assert.That((summary.Created, summary.Invalid, summary.Skipped, summary.Requests), Is.EqualTo((2, 1, 1, 2L)));
        Assert.That(summary.ExitCode, Is.EqualTo(ExitCodes.RowsNeedAttention));
    }

    [Test]
    public void RunAsync_QuoteNeverClosed_LongerThanTheRecordLimit_StopsBeforeAnythingIsSent()
    {
        var posts = _delivery.Http.When(DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", DeliveryHarness.CreatedBody);
        var csv = new StringBuilder("Email\n");
        for (var i = 0; i < 10; i++)
        {
            csv.Append($"p{i}@x.example\n");
        }

        // A quote that never closes, longer than the reader's record limit.
        csv.Append('"').Append('x', 5 * 1024 * 1024);
        var path = _files.Write("broken.csv", csv.ToString());

        var refused = Assert.ThrowsAsync<InputException>(() => RunAsync(path));

        Assert.That(refused!.Message, Does.Contain("row 12 opens a quoted field that runs on for more than 1 MB"));
        Assert.That(_delivery.Http.GetMatchCount(posts), Is.Zero);
    }

    private string Guests(int count)
    {
        var csv = new StringBuilder("Email,First Name\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append($"person{i}@x.example,Person {i}\n");
        }

        return _files.Write($"guests{count}.csv", csv.ToString());
    }

    [Test]
    public async Task RunAsync_ByDefault_ListsTheKindWorthListing_AndCreatesOnlyTheNewRows()
    {
        var posts = _delivery.Http.When(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", DeliveryHarness.CreatedBody);
        var guestList = _delivery.Http.When(HttpMethod.Get, DeliveryHarness.GuestsUrl).Respond("application/json",
            System.Text.Json.JsonSerializer.Serialize(new { data = Enumerable.Range(0, 40).Select(i => new { email = $"person{i}@x.example" }), meta = new { pagination = new { total_pages = 1 } } }));
        var memberList = _delivery.Http.When(HttpMethod.Get, DeliveryHarness.UsersUrl).Respond("application/json", """{"data":[]}""");

        var summary = await RunAsync(Guests(100), preflight: null);

        Assert.That((summary.Created, summary.Skipped, summary.SkippedReasons["already_exists"]), Is.EqualTo((60, 40, 40)));
        Assert.That((_delivery.Http.GetMatchCount(posts), _delivery.Http.GetMatchCount(guestList), _delivery.Http.GetMatchCount(memberList)), Is.EqualTo((60, 1, 0)),
            "a file of guests lists the guests only");
        Assert.That((summary.PreflightRequests, summary.PreflightSavedPosts), Is.EqualTo(((int?)1, (int?)40)));
    }

    [Test]
    public async Task RunAsync_ByDefault_AFewRows_AreNotWorthAListing()
    {
        _delivery.Http.When(HttpMethod.Post, DeliveryHarness.GuestsUrl).Respond(HttpStatusCode.Created, "application/json", DeliveryHarness.CreatedBody);
        var listing = _delivery.Http.When(HttpMethod.Get, DeliveryHarness.GuestsUrl).Respond("application/json", """{"data":[]}""");

        var summary = await RunAsync(Guests(9), preflight: null);

        Assert.That((summary.Created, _delivery.Http.GetMatchCount(listing), summary.PreflightRequests), Is.EqualTo((9, 0, (int?)null)));
    }

    private async Task<RunSummary> RunAsync(string path, CancellationToken cancellationToken = default, bool? preflight = false)
    {
        // These tests are about the pipeline: the preflight listing is off unless a test turns it on.
        var import = Options.Create(new ImportOptions { DefaultKind = "guest", ReportFolder = Path.Combine(_files.Folder, "reports"), Preflight = preflight });
        var runner = new ImportRunner(import, Options.Create(_delivery.Delivery), TimeProvider.System, NullLogger<ImportRunner>.Instance);
        return await runner.RunAsync(new RunRequest(path, RunMode.Import), _delivery.Sender, NullRunObserver.Instance, cancellationToken);
    }

    private static IEnumerable<int> ResultRows(RunSummary summary) =>
        File.ReadAllLines(summary.Reports!.Results).Skip(1).Select(line => int.Parse(line.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));
}
