using System.Text;
using System.Text.Json;
using BulkOnboard.Delivery;
using BulkOnboard.Plan;

namespace BulkOnboard.Tests.Delivery;

public class ListingPageTests
{
    [Test]
    public async Task Read_TallyfysEnvelope_KeepsTheEmailsAndThePageCount()
    {
        var page = await ReadAsync("""
            {"data":[{"id":1,"email":"a@x.example","details":{"company_name":"A"}},{"id":"2","email":null},{"email":"b@x.example","groups":{"data":[]}}],
             "meta":{"pagination":{"total":3,"count":3,"per_page":999,"current_page":1,"total_pages":"4"}}}
            """);

        Assert.That((page.Emails.ToList(), page.Count, page.TotalPages), Is.EqualTo((new[] { "a@x.example", "b@x.example" }, 3, (int?)4)));
    }

    [TestCase("{}")]
    [TestCase("[]")]
    [TestCase("""{"next":"https://go.tallyfy.com/api/organizations/o/users?page=2"}""")]
    public async Task Read_LinksAsAnObjectOrAnEmptyArray_AndTheTotal(string links)
    {
        var page = await ReadAsync("""{"data":[{"email":"a@x.example"}],"meta":{"pagination":{"total":2500,"count":1,"per_page":100,"current_page":1,"total_pages":25,"links":""" + links + "}}}");

        Assert.That((page.Count, page.Total, page.TotalPages), Is.EqualTo((1, (int?)2500, (int?)25)));
    }

    [Test]
    public async Task Read_AGuestsLink_IsNeverKept_SoNoSnapshotCanHoldIt()
    {
        var page = await ReadAsync("""{"data":[{"id":7,"email":"g@x.example","link":"https://go.tallyfy.com/guest/s3cr3tt0k3n","details":{"link":"https://go.tallyfy.com/guest/s3cr3tt0k3n"}}]}""");

        // The journal keeps sync snapshots of ListedPerson as JSON: it must have nothing to hold the link in.
        Assert.That(JsonSerializer.Serialize(page.People[0]), Does.Not.Contain("s3cr3tt0k3n"));
        Assert.That(JsonSerializer.Serialize(ListingPage.ReadOne("""{"data":{"email":"g@x.example","link":"https://go.tallyfy.com/guest/s3cr3tt0k3n"}}""")), Does.Not.Contain("s3cr3tt0k3n"));
    }

    [Test]
    public async Task Read_MembersAndGuests_KeepWhatASyncCompares()
    {
        var members = await ReadAsync("""
            {"data":[{"id":1001,"email":"alice@x.example","first_name":"Alice","last_name":"Ng","role":"Admin","status":"active","is_default_admin":true},
                     {"id":1002,"email":"bob@x.example","role":"standard","status":"disabled","is_default_admin":false}]}
            """);
        var guests = await ReadAsync("""
            {"data":[{"id":7,"email":"g@x.example","first_name":"Gus","details":{"company_name":"G","associated_members":[1001,"1002"],"status":"active"}},
                     {"id":8,"email":"h@x.example","details":{"associated_members":"[5, 6]"}}]}
            """);

        Assert.That(members.People[0], Is.EqualTo(new ListedPerson("alice@x.example", "1001", "Alice", "Ng", "Admin", "active", true, null)));
        Assert.That((members.People[1].Status, members.People[1].IsDefaultAdmin), Is.EqualTo(("disabled", false)));
        Assert.That((guests.People[0].FirstName, guests.People[0].AssociatedMembers), Is.EqualTo(("Gus", new long[] { 1001, 1002 })));
        Assert.That(guests.People[1].AssociatedMembers, Is.EqualTo(new long[] { 5, 6 }));
    }

    [Test]
    public async Task Read_ABareArrayAfterABomAndWhiteSpace()
    {
        var page = await ReadAsync("\uFEFF \r\n [{\"Email\":\"a@x.example\"}]");

        Assert.That((page.Emails.Single(), page.TotalPages), Is.EqualTo(("a@x.example", (int?)null)));
    }

    [TestCase("<html>busy</html>")]
    [TestCase("{\"data\": [ {\"email\": \"a@x.example\"}, ")]
    [TestCase("")]
    public void Read_NotAListing_Throws(string body) =>
        Assert.ThrowsAsync(Is.InstanceOf<JsonException>(), () => ReadAsync(body));

    [Test]
    public async Task Read_APageOf9999Members_InSmallChunks()
    {
        var json = JsonSerializer.Serialize(new
        {
            data = Enumerable.Range(0, 9999).Select(i => new { id = i, email = $"m{i}@x.example", first_name = "Member", last_name = new string('x', 60), status = "active" }),
            meta = new { pagination = new { total_pages = 1 } },
        });

        // A stream that hands out 1 KB at a time, as a socket may.
        var page = await ListingPage.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(json), 1024), CancellationToken.None);

        Assert.That(json.Length, Is.GreaterThan(1_000_000));
        Assert.That((page.Emails.Count(), page.Emails.Last()), Is.EqualTo((9999, "m9998@x.example")));
    }

    private static Task<ListingPage> ReadAsync(string body) =>
        ListingPage.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), CancellationToken.None);

    private sealed class TrickleStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
