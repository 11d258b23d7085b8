using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Validation;

public class EmailIndexTests
{
    [Test]
    public void FirstRowOrAdd_SameEmailInAnyCaseOrSpacing_PointsToTheFirstRow()
    {
        var index = new EmailIndex();

        Assert.That(index.FirstRowOrAdd(PersonKind.Guest, "Ana@Northwind.example", 2), Is.Null);
        Assert.That(index.FirstRowOrAdd(PersonKind.Guest, " ana@northwind.EXAMPLE ", 9), Is.EqualTo(2));
        Assert.That(index.FirstRowOrAdd(PersonKind.Member, "ana@northwind.example", 10), Is.Null, "a member is not a repeat of a guest");
        Assert.That(index.FirstRowOrAdd(PersonKind.Guest, "ana@northwind.example.", 11), Is.Null);
        Assert.That(index.FirstRowOrAdd(PersonKind.Guest, "zoë@example.com", 12), Is.Null);
        Assert.That(index.FirstRowOrAdd(PersonKind.Guest, "ZOË@example.com", 13), Is.EqualTo(12));
    }

    [Test]
    public void FirstRowOrAdd_ManyKeysAcrossStorageChunks_KeepsEveryOneExactly()
    {
        // 200,000 keys of ~40 bytes fill several 1 MB chunks; near-identical keys must stay apart.
        var index = new EmailIndex();
        for (var i = 0; i < 200_000; i++)
        {
            Assert.That(index.FirstRowOrAdd(PersonKind.Guest, $"person{i}@a-rather-long-domain.example", i + 2), Is.Null);
        }

        for (var i = 0; i < 200_000; i += 997)
        {
            Assert.That(index.FirstRowOrAdd(PersonKind.Guest, $"PERSON{i}@a-rather-long-domain.example", 999_999), Is.EqualTo(i + 2));
        }

        Assert.That(index.Count, Is.EqualTo(200_000));
    }
}
