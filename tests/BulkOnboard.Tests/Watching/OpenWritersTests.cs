using BulkOnboard.Watching;

namespace BulkOnboard.Tests.Watching;

/// <summary>A file held open for writing is seen, by any process (this one included); one open only to read, or closed, is not.</summary>
public class OpenWritersTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("reads /proc");
        }

        _folder = Directory.CreateTempSubdirectory("bulkonboard-writers-").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void AFileOpenForWriting_IsSeen_UntilItIsClosed()
    {
        var path = Path.Combine(_folder, "people.csv");
        var other = Path.Combine(_folder, "other.csv");
        File.WriteAllText(other, "Email\n");

        // A writer in this very process counts as any other.
        using (var writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
        {
            writer.Write("Email\n"u8);
            writer.Flush();

            Assert.That(OpenWriters.Among([path, other]), Is.EquivalentTo(new[] { path }));
        }

        Assert.That(OpenWriters.Among([path, other]), Is.Empty);
    }

    [Test]
    public void AFileOpenOnlyForReading_IsNotAWriter()
    {
        var path = Path.Combine(_folder, "people.csv");
        File.WriteAllText(path, "Email\n");

        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

        Assert.That(OpenWriters.Among([path]), Is.Empty);
    }
}
