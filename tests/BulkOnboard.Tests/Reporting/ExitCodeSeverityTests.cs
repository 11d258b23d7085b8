using BulkOnboard.Reporting;

namespace BulkOnboard.Tests.Reporting;

/// <summary><c>watch --once</c> reports the most severe exit code of its files, not the highest number.</summary>
public class ExitCodeSeverityTests
{
    [TestCase(2, 1, 1)]
    [TestCase(5, 1, 1)]
    [TestCase(6, 3, 6)]
    [TestCase(2, 5, 5)]
    [TestCase(0, 2, 2)]
    [TestCase(4, 3, 3)]
    [TestCase(0, 0, 0)]
    public void TheMoreSevere_WinsWhateverItsNumber(int a, int b, int expected)
    {
        Assert.That(ExitCodes.MoreSevere(a, b), Is.EqualTo(expected));
        Assert.That(ExitCodes.MoreSevere(b, a), Is.EqualTo(expected), "in either order");
    }
}
