using BulkOnboard.EndToEnd.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>A newcomer's first commands: a mistyped command names the nearest one, and <c>--version</c> works everywhere without credentials.</summary>
public class CommandLineTests
{
    [TestCase("improt", "import")]
    [TestCase("sycn", "sync")]
    [TestCase("frobnicate", null)]
    public async Task AnUnknownCommand_IsOneLine_NamingItAndTheNearest(string typed, string? nearest)
    {
        var result = await CliRun.RunAsync(null, typed, "people.csv");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.Count.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain($"unknown command '{typed}'").And.Contain("the nearest is").And.Not.Contain("Required command"));
        if (nearest is not null)
        {
            Assert.That(result.ErrorLines[0], Does.Contain($"the nearest is '{nearest}'"));
        }
    }

    [TestCase("--version")]
    [TestCase("import", "--version")]
    [TestCase("sync", "--version")]
    [TestCase("due", "--version")]
    public async Task Version_WorksOnEveryCommand_WithoutCredentials(params string[] args)
    {
        var result = await CliRun.RunAsync(new Dictionary<string, string?>(), args);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out.Trim(), Does.Match(@"^bulkonboard \d+\.\d+"));
        Assert.That(result.Error, Is.Empty);
    }
}
