using System.Text.Json;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Tests.Support;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Delivery;

public class ListingProgressTests
{
    private const string Users = DeliveryHarness.UsersUrl;

    [Test]
    public void Add_ShortPagesBeforeTheTotal_GoOn_UntilTheCountReachesIt()
    {
        // A server that ignores per_page: 10 a page while 100 was asked, total_pages stated for 100.
        var progress = new ListingProgress(100);

        Assert.That(progress.Add(Keys(0, 10), 10, 25), Is.EqualTo(ListingState.More), "short, but 10 of 25 read");
        Assert.That(progress.Add(Keys(10, 10), 10, 25), Is.EqualTo(ListingState.More));
        Assert.That(progress.Add(Keys(20, 5), 5, 25), Is.EqualTo(ListingState.Complete));
        Assert.That(progress.Read, Is.EqualTo(25));
    }

    [Test]
    public void Add_AFullLastPage_NeedsAnEmptyOneToEnd()
    {
        var progress = new ListingProgress(100);

        Assert.That(progress.Add(Keys(0, 100), 100, 100), Is.EqualTo(ListingState.More), "a full page: there may be more");
        Assert.That(progress.Add([], 0, 100), Is.EqualTo(ListingState.Complete));
    }

    [Test]
    public void Add_AnEmptyPageShortOfTheTotal_IsIncomplete_AndSaysWhatWasRead()
    {
        var progress = new ListingProgress(100);
        progress.Add(Keys(0, 100), 100, 2500);

        Assert.That(progress.Add([], 0, 2500), Is.EqualTo(ListingState.Incomplete));
        Assert.That(progress.Describe("members"), Is.EqualTo("read 100 of 2,500 members"));
    }

    [Test]
    public void Add_TheSamePageAgain_IsIncomplete()
    {
        var progress = new ListingProgress(100);
        progress.Add(Keys(0, 10), 10, 2500);

        Assert.That(progress.Add(Keys(0, 10), 10, 2500), Is.EqualTo(ListingState.Incomplete));
        Assert.That(progress.Shortfall, Does.Contain("repeated"));
    }

    [TestCase(30)]
    [TestCase(0)]
    public void Add_AShortPageWithoutATotal_IsIncomplete(int count)
    {
        var progress = new ListingProgress(100);

        Assert.That(progress.Add(Keys(0, count), count, null), Is.EqualTo(ListingState.Incomplete));
        Assert.That(progress.Shortfall, Does.Contain("without stating its total"));
    }

    [Test]
    public void ListAll_AnEmptyDataWithoutMeta_StopsTheSync_NeverTakenForNobody()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(Users).Respond("application/json", """{"data": []}""");

        var thrown = Assert.ThrowsAsync<InputException>(() => harness.Sender.ListAllAsync(PersonKind.Member, CancellationToken.None));

        Assert.That(thrown!.Message, Does.Contain("could not be shown complete").And.Contain("without stating its total").And.Contain("nothing was changed"));
    }

    [Test]
    public void EstimatedPages_FromTheTotalAtTheSizeServed_NotTotalPages() =>
        Assert.That(Progress(Keys(0, 10), 10, 2500).EstimatedPages(10, totalPages: 25), Is.EqualTo(250));

    [Test]
    public void ListAll_AServerRepeatingTheSamePageForever_StopsTheSyncWithWhatWasRead()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(Users).Respond("application/json", Page(0, 100, total: 2500));

        var thrown = Assert.ThrowsAsync<InputException>(() => harness.Sender.ListAllAsync(PersonKind.Member, CancellationToken.None));

        Assert.That(thrown!.Message, Does.Contain("read 100 of 2,500 members").And.Contain("nothing was changed"));
        Assert.That(harness.Stats.Requests, Is.EqualTo(2), "the repeat is seen on the second page");
    }

    [Test]
    public void ListAll_AListingThatEndsShortOfItsTotal_StopsTheSync()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(Users).WithQueryString("page", "1").Respond("application/json", Page(0, 100, total: 250, totalPages: 1));
        harness.Http.When(Users).WithQueryString("page", "2").Respond("application/json", """{"data":[],"meta":{"pagination":{"total":250,"links":[]}}}""");

        var thrown = Assert.ThrowsAsync<InputException>(() => harness.Sender.ListAllAsync(PersonKind.Member, CancellationToken.None));

        Assert.That(thrown!.Message, Does.Contain("read 100 of 250 members"));
    }

    [Test]
    public async Task ListAll_TotalPagesSaysOne_ButTheTotalSaysMore_ReadsOn()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(Users).WithQueryString("page", "1").Respond("application/json", Page(0, 10, total: 25, totalPages: 1));
        harness.Http.When(Users).WithQueryString("page", "2").Respond("application/json", Page(10, 10, total: 25, totalPages: 1));
        harness.Http.When(Users).WithQueryString("page", "3").Respond("application/json", Page(20, 5, total: 25, totalPages: 1));

        var (people, requests) = await harness.Sender.ListAllAsync(PersonKind.Member, CancellationToken.None);

        Assert.That((people.Count, requests), Is.EqualTo((25, 3)), "total_pages said 1; the total said 25");
    }

    private static ListingProgress Progress(IEnumerable<string> keys, int count, int total)
    {
        var progress = new ListingProgress(100);
        progress.Add(keys, count, total);
        return progress;
    }

    private static List<string> Keys(int from, int count) => [.. Enumerable.Range(from, count).Select(i => $"p{i}@x.example")];

    private static string Page(int from, int count, int total, int? totalPages = null) =>
        JsonSerializer.Serialize(new
        {
            data = Enumerable.Range(from, count).Select(i => new { id = i, email = $"p{i}@x.example" }),
            meta = new { pagination = new { total, count, per_page = 100, total_pages = totalPages ?? ((total + 99) / 100), links = new { next = "x" } } },
        });
}
