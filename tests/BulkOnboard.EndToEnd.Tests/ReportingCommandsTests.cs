using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// The commands that only report (<c>history</c>, <c>inspect</c>): which organization and endpoint each run
/// used, and <c>-o json</c> for scripts.
/// </summary>
public class ReportingCommandsTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    private string Endpoint => _sandbox.BaseUrl.ToString().TrimEnd('/');

    [Test]
    public async Task History_SaysWhichOrganizationAndEndpointEachRunUsed_AsTextAndAsJson()
    {
        var file = _workspace.Write("people.csv", "Email,First Name,Type\nann@x.example,Ann,guest\n");
        var import = await CliRun.RunAsync(_settings, "import", file, "--out", _workspace.ReportFolder);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString());

        var text = await CliRun.RunAsync(_settings, "history");
        var json = await CliRun.RunAsync(_settings, "history", "-o", "json");
        var person = await CliRun.RunAsync(_settings, "history", "--email", "ann@x.example", "--output", "json");

        Assert.That((text.ExitCode, json.ExitCode, person.ExitCode), Is.EqualTo((0, 0, 0)), text + "\n" + json + "\n" + person);
        Assert.That(text.Out, Does.Contain(_sandbox.Options.OrganizationId).And.Contain(Endpoint));
        var run = JsonDocument.Parse(json.Out).RootElement.GetProperty("runs").EnumerateArray().Single();
        Assert.That((run.GetProperty("organization").GetString(), run.GetProperty("endpoint").GetString(), run.GetProperty("file").GetString(), run.GetProperty("created").GetInt32()),
            Is.EqualTo((_sandbox.Options.OrganizationId, Endpoint, file, 1)));
        var record = JsonDocument.Parse(person.Out).RootElement.GetProperty("records").EnumerateArray().Single();
        Assert.That((record.GetProperty("organization").GetString(), record.GetProperty("endpoint").GetString(), record.GetProperty("outcome").GetString()),
            Is.EqualTo((_sandbox.Options.OrganizationId, Endpoint, "created")));
        Assert.That(json.Out + person.Out + text.Out, Does.Not.Contain(_sandbox.Options.AccessToken), "no secret");
    }

    /// <summary>The built CLI in a folder of its own, with appsettings.json's file log (logs/ under the working folder): a command that only prints leaves that folder as it was.</summary>
    [TestCase("inspect", "people.csv")]
    [TestCase("inspect", "-")]
    [TestCase("history")]
    [TestCase("doctor")]
    public async Task ACommandThatOnlyPrints_LeavesNoFileWhereItRuns(params string[] args)
    {
        var file = _workspace.Write("people.csv", "Email,First Name,Type\nann@x.example,Ann,guest\n");
        var journal = Path.Combine(_workspace.Folder, "journal.db");
        Assert.That((await CliRun.RunAsync(_settings, "import", file, "--out", _workspace.ReportFolder)).ExitCode, Is.EqualTo(0), "a journal for history");
        var here = Directory.CreateDirectory(Path.Combine(_workspace.Folder, "here")).FullName;
        var argv = args.Select(a => a == "people.csv" ? file : a).ToArray();

        // The default report folder, reports/ under the working folder: doctor checks it can be written, and leaves no trace of the check.
        using var process = CliProcess.Start(_sandbox, journal, here, null, redirectInput: args.Contains("-"), argv);
        if (args.Contains("-"))
        {
            await process.StandardInput.WriteAsync(await File.ReadAllTextAsync(file));
            process.StandardInput.Close();
        }

        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.That(process.ExitCode, Is.EqualTo(0), error);
        Assert.That(Directory.GetFileSystemEntries(here, "*", SearchOption.AllDirectories), Is.Empty, "no logs/, no file");
    }

    [Test]
    public async Task Inspect_PrintsJson_WhenAsked()
    {
        var file = _workspace.Write("people.csv", "E-mail Address,Given Name,Notes,Type\nann@x.example,Ann,hi,guest\nbob@x.example,Bob,,member\n");

        var result = await CliRun.RunAsync(new Dictionary<string, string?>(), "inspect", file, "-o", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var root = JsonDocument.Parse(result.Out).RootElement;
        Assert.That((root.GetProperty("file").GetString(), root.GetProperty("header_row").GetInt32(), root.GetProperty("rows").GetInt32(), root.GetProperty("kept").GetInt32()),
            Is.EqualTo((file, 1, 2, 2)));
        var columns = root.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("header").GetString()!);
        Assert.That(columns["E-mail Address"].GetProperty("field").GetString(), Is.EqualTo("email"));
        Assert.That(columns["E-mail Address"].GetProperty("samples").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "ann@x.example", "bob@x.example" }));
        Assert.That(columns["Notes"].GetProperty("field").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(root.GetProperty("kinds").EnumerateArray().Select(k => (k.GetProperty("kind").GetString(), k.GetProperty("rows").GetInt32())),
            Is.EquivalentTo(new[] { ("guest", 1), ("member", 1) }));
    }
}
