using System.Text;
using System.Text.Json;
using BulkOnboard.Delivery;

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

        Assert.That((page.Emails, page.Count, page.TotalPages), Is.EqualTo((new[] { "a@x.example", "b@x.example" }, 3, (int?)4)));
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
        Assert.That((page.Emails.Count, page.Emails[^1]), Is.EqualTo((9999, "m9998@x.example")));
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
