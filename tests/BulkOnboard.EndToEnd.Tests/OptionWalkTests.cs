using System.Text.RegularExpressions;
using BulkOnboard.EndToEnd.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Every option of every command, found by walking <c>--help</c>: a numeric one given a value that is not
/// a number or is out of range is exit 1 and one line naming the option (a non-numeric
/// <c>--rate-limit</c> once ended in a stack trace with build paths, exit 134); any one given an empty
/// value never ends in a stack trace.
/// </summary>
public partial class OptionWalkTests
{
    private static readonly string[] BadValues = ["abc", "", "-1", "99999999999"];

    /// <summary>The placeholders <c>--help</c> shows for a number (NumberOptions; RUN is sync's run id).</summary>
    private static readonly string[] NumericPlaceholders = ["N", "0-1", "RUN"];

    [Test]
    public async Task EveryNumericOption_GivenABadValue_Exit1_OneLineNamingIt()
    {
        using var workspace = new Workspace();
        var file = workspace.Write("people.csv", "Email,Type\nann@example.com,guest\n");
        var found = new List<string>();
        foreach (var command in await CommandsAsync())
        {
            var help = await CliRun.RunAsync(null, command, "--help");
            var takesFile = help.Out.Contains("<file>", StringComparison.Ordinal);
            foreach (Match option in OptionLine().Matches(help.Out))
            {
                if (!NumericPlaceholders.Contains(option.Groups["placeholder"].Value))
                {
                    continue;
                }

                var name = option.Groups["name"].Value;
                found.Add($"{command} {name}");
                foreach (var value in BadValues)
                {
                    string[] args = takesFile ? [command, file, name, value] : [command, name, value];

                    var result = await CliRun.RunAsync(null, args);

                    var what = $"{command} {name} '{value}'\n{result}";
                    Assert.That(result.ExitCode, Is.EqualTo(1), what);
                    Assert.That(result.ErrorLines, Has.Count.EqualTo(1), what);
                    Assert.That(result.ErrorLines[0], Does.StartWith("bulkonboard: error:").And.Contain(name), what);
                    Assert.That(result.Error + result.Out, Does.Not.Match(@"(?m)^\s+at ").And.Not.Contain("unexpected").And.Not.Contain("Exception"), what);
                }
            }
        }

        Assert.That(found, Is.SupersetOf(new[] { "import --rate-limit", "import --concurrency", "sandbox --port", "sandbox --rate-limit", "sync --undo", "history --limit" }),
            "the walk finds the numeric options by their placeholder");
    }

    /// <summary>Every option that takes a value, given an empty one (an unset variable in a script): never a stack trace nor an "unexpected" error.</summary>
    [Test]
    public async Task EveryOptionThatTakesAValue_GivenAnEmptyOne_NeverEndsInAStackTrace()
    {
        using var workspace = new Workspace();
        var file = workspace.Write("people.csv", "Email,Type\nann@example.com,guest\n");
        var settings = new Dictionary<string, string?> { ["Watch:Inbox"] = Path.Combine(workspace.Folder, "inbox"), ["Sandbox:Port"] = "0" };
        foreach (var command in await CommandsAsync())
        {
            var help = await CliRun.RunAsync(null, command, "--help");
            var takesFile = help.Out.Contains("<file>", StringComparison.Ordinal);
            foreach (Match option in OptionLine().Matches(help.Out))
            {
                var name = option.Groups["name"].Value;
                string[] args = [command, .. takesFile ? [file] : Array.Empty<string>(), name, "", .. command == "watch" ? ["--once"] : Array.Empty<string>()];

                // A command that serves (the sandbox) is stopped after a moment, as Ctrl+C would.
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                var result = await CliRun.RunAsync(settings, args, stop.Token);

                var what = $"{string.Join(' ', args)}\n{result}";
                Assert.That(result.Error + result.Out, Does.Not.Match(@"(?m)^\s+at ").And.Not.Contain("unexpected"), what);
            }
        }
    }

    private static async Task<IReadOnlyList<string>> CommandsAsync()
    {
        var help = await CliRun.RunAsync(null, "--help");
        var commands = CommandLine().Matches(help.Out.Split("Commands:")[1]).Select(m => m.Groups["name"].Value).ToList();
        Assert.That(commands, Does.Contain("import").And.Contain("sandbox").And.Contain("sync"), help.ToString());
        return commands;
    }

    [GeneratedRegex(@"^\s{2}(?<name>[a-z]+)\b", RegexOptions.Multiline)]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"^\s+(?:-\w, )?(?<name>--[a-z-]+) <(?<placeholder>[^>]+)>", RegexOptions.Multiline)]
    private static partial Regex OptionLine();
}
