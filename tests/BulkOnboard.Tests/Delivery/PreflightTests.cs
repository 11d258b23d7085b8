using System.Net;
using System.Text.Json;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Tests.Support;
using RichardSzalay.MockHttp;

namespace BulkOnboard.Tests.Delivery;

public class PreflightTests
{
    private const string Guests = DeliveryHarness.GuestsUrl;
    private const string Users = DeliveryHarness.UsersUrl;

    [Test]
    public async Task ListExisting_PagesThroughBothListings()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(Guests).WithQueryString("page", "1").Respond("application/json", Page(0, 100, page: 1, totalPages: 2));
        harness.Http.When(Guests).WithQueryString("page", "2").Respond("application/json", Page(100, 30, page: 2, totalPages: 2));
        harness.Http.When(Users).WithQueryString("page", "1").Respond("application/json", """{"data":[{"id":5,"email":"Boss@X.example"}],"meta":{"pagination":{"total_pages":1}}}""");

        var existing = await harness.Sender.ListExistingAsync(ListingBudget.Everything, CancellationToken.None);

        Assert.That((existing.Guests.Count, existing.Members.Count, existing.Requests), Is.EqualTo((130, 1, 3)));
        Assert.That(existing.Contains(PersonKind.Guest, " P129@x.example "), Is.True);
        Assert.That(existing.Contains(PersonKind.Guest, "boss@x.example"), Is.True, "a guest's email that belongs to a member would be refused too");
        Assert.That(existing.Contains(PersonKind.Member, "p1@x.example"), Is.False);
    }

    [Test]
    public async Task ListExisting_ListingFailsHalfway_CarriesOnWithWhatItFound()
    {
        // A page that keeps failing is retried like any request (listings go through the attempts): give up fast.
        using var harness = new DeliveryHarness(DeliveryHarness.Fast(o => { o.MaxAttempts = 2; o.GiveUpAfter = TimeSpan.FromMilliseconds(300); o.RetryBaseDelay = TimeSpan.FromMilliseconds(10); }));
        harness.Http.When(Guests).WithQueryString("page", "1").Respond("application/json", Page(0, 100, page: 1, totalPages: 3));
        harness.Http.When(Guests).WithQueryString("page", "2").Respond(HttpStatusCode.InternalServerError);
        harness.Http.When(Users).Respond(HttpStatusCode.Forbidden);

        var existing = await harness.Sender.ListExistingAsync(ListingBudget.Everything, CancellationToken.None);

        Assert.That((existing.Guests.Count, existing.Members.Count), Is.EqualTo((100, 0)));
    }

    [Test]
    public async Task ListExisting_WithoutPaginationMetadata_StopsAtAShortPage()
    {
        using var harness = new DeliveryHarness();
        // A full page is Tallyfy's page size for guests, 999: there may be more; a shorter one is the last.
        harness.Http.When(Guests).WithQueryString("page", "1").Respond("application/json", JsonSerializer.Serialize(Enumerable.Range(0, 999).Select(i => new { email = $"p{i}@x.example" })));
        harness.Http.When(Guests).WithQueryString("page", "2").Respond("application/json", """[{"email":"last@x.example"}]""");
        harness.Http.When(Users).Respond("application/json", """{"data":[]}""");

        var existing = await harness.Sender.ListExistingAsync(ListingBudget.Everything, CancellationToken.None);

        Assert.That((existing.Guests.Count, existing.Requests), Is.EqualTo((1000, 3)));
    }

    [Test]
    public async Task ListExisting_APageOfTallyfysDefaultSize_IsReadWhole()
    {
        // 5,000 guests on one page, as a server with Tallyfy's page sizes may send: hundreds of KB.
        using var harness = new DeliveryHarness();
        var page = Page(0, 5000, page: 1, totalPages: 1);
        harness.Http.When(Guests).Respond("application/json", page);
        harness.Http.When(Users).Respond("application/json", """{"data":[],"meta":{"pagination":{"total_pages":1}}}""");

        var existing = await harness.Sender.ListExistingAsync(ListingBudget.Everything, CancellationToken.None);

        Assert.That(page.Length, Is.GreaterThan(100_000));
        Assert.That(existing.Guests, Has.Count.EqualTo(5000));
    }

    [Test]
    public async Task ListExisting_AnAnswerThatIsNotAListing_IsNotReadAsAnEmptyOne()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(Guests).Respond("text/html", "<html>maintenance</html>");
        harness.Http.When(Users).Respond("application/json", """{"data":[{"email":"boss@x.example"}]}""");

        var existing = await harness.Sender.ListExistingAsync(ListingBudget.Everything, CancellationToken.None);

        Assert.That((existing.Guests.Count, existing.Members.Count), Is.EqualTo((0, 1)));
        Assert.That(harness.Logs, Has.Some.Contain("listing guests failed at page 1 (the listing could not be read"));
    }

    [Test]
    public async Task ListExisting_WithinBudget_ListsOnlyTheKindsWorthIt()
    {
        // 30 guest rows: 3 pages' worth; 9 member rows: too few for a listing to pay off.
        using var harness = new DeliveryHarness();
        harness.Http.When(Guests).WithQueryString("page", "1").Respond("application/json", Page(0, 100, page: 1, totalPages: 2));
        harness.Http.When(Guests).WithQueryString("page", "2").Respond("application/json", Page(100, 30, page: 2, totalPages: 2));
        var users = harness.Http.When(Users).Respond("application/json", """{"data":[{"email":"boss@x.example"}]}""");

        var existing = await harness.Sender.ListExistingAsync(ListingBudget.WorthIt(guestRows: 30, memberRows: 9), CancellationToken.None);

        Assert.That((existing.Guests.Count, existing.Members.Count, existing.Requests), Is.EqualTo((130, 0, 2)));
        Assert.That(harness.Http.GetMatchCount(users), Is.Zero);
    }

    [Test]
    public async Task ListExisting_ListingLongerThanItsBudget_StopsAfterPageOne()
    {
        using var harness = new DeliveryHarness();
        harness.Http.When(Guests).WithQueryString("page", "1").Respond("application/json", Page(0, 100, page: 1, totalPages: 6));
        var later = harness.Http.When(Guests).WithQueryString("page", "2").Respond("application/json", Page(100, 100, page: 2, totalPages: 6));

        var existing = await harness.Sender.ListExistingAsync(new ListingBudget(GuestPages: 5, MemberPages: 0), CancellationToken.None);

        Assert.That((existing.Guests.Count, existing.Requests), Is.EqualTo((100, 1)), "page one is paid for: what it holds is used");
        Assert.That(harness.Http.GetMatchCount(later), Is.Zero);
    }

    [TestCase(0, 0)]
    [TestCase(9, 0)]
    [TestCase(10, 1)]
    [TestCase(99, 9)]
    [TestCase(4096, 409)]
    public void WorthIt_OnePagePerTenRows(int rows, int pages) =>
        Assert.That(ListingBudget.WorthIt(rows, rows), Is.EqualTo(new ListingBudget(pages, pages)));

    private static string Page(int from, int count, int page, int totalPages) =>
        JsonSerializer.Serialize(new
        {
            data = Enumerable.Range(from, count).Select(i => new { id = $"g{i}", email = $"p{i}@x.example" }),
            meta = new { pagination = new { current_page = page, total_pages = totalPages, per_page = 100 } },
        });
}
