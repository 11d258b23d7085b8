using System.Text;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests.Sources;

/// <summary>
/// Sources over HTTPS and standard input, end to end: a real Kestrel server on loopback with a certificate
/// signed by a CA the CLI trusts through <c>Sources:CaCertificate</c>, the real CLI, the sandbox.
/// </summary>
public class HttpsSourceTests
{
    private const string HeaderSecret = "Bearer hdr-SECRET-7f3a9c";
    private const string QuerySecret = "qry-SECRET-41b2";

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private HttpsSourceServer _server = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _server = await HttpsSourceServer.StartAsync(_workspace.Folder);
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Sources:CaCertificate"] = _server.CaFile;
        _settings["Sources:Headers:Authorization"] = HeaderSecret;
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    internal static string Roster(int rows, string emailHeader = "Email", int from = 0) =>
        $"{emailHeader},First Name,Last Name,Type\n" + string.Concat(Enumerable.Range(from, rows).Select(i => $"p{i}@x.example,Pat{i},Lee,guest\n"));

    private string ReportUrl => _server.Url($"/report?format=csv&token={QuerySecret}");

    private Task<CliResult> ImportAsync(string source) => CliRun.RunAsync(_settings, "import", source, "--out", _workspace.ReportFolder);

    [Test]
    public async Task Import_AnHttpsReport_TrustedThroughTheCaSetting_SendsEveryRow_WithTheHeader()
    {
        _server.Csv("/report", Roster(10));

        var result = await ImportAsync(ReportUrl);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(10));
        Assert.That(_server.Authorizations, Is.All.EqualTo(HeaderSecret), "Sources:Headers:Authorization is sent");
        Assert.That(Directory.GetFiles(_workspace.ReportFolder, "report.*.results.csv"), Has.Length.EqualTo(1), "reports are named after the source");
        AssertNoSecret(result);
    }

    [Test]
    public async Task Import_AnHttpsReport_WithoutTheCa_IsNotTrusted_Exit1()
    {
        _server.Csv("/report", Roster(3));
        _settings.Remove("Sources:CaCertificate");

        var result = await ImportAsync(ReportUrl);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(ErrorLine(result), Does.Contain("certificate is not trusted"));
        Assert.That(_sandbox.State.Requests, Is.Empty);
    }

    [Test]
    public async Task PlainHttp_ToAnAddressOtherThanLoopback_IsRefused_Exit1()
    {
        var result = await ImportAsync("http://192.0.2.10/report.csv");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(ErrorLine(result), Does.Contain("only to a loopback address"));
    }

    [Test]
    public async Task Import_StandardInput_SendsEveryRow()
    {
        var result = await CliRun.RunWithInputAsync(_settings, Encoding.UTF8.GetBytes(Roster(4)), "import", "-", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(4));
        Assert.That(Directory.GetFiles(_workspace.ReportFolder, "stdin.*.results.csv"), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task TheSameSourceTwice_TheSecondRunSendsNothing_AndSaysWhy()
    {
        _server.Csv("/report", Roster(5));
        var first = await ImportAsync(ReportUrl);
        var requests = _sandbox.State.Requests.Count;

        var second = await ImportAsync(ReportUrl);

        Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((0, 0)), first + "\n" + second);
        Assert.That(_sandbox.State.Requests, Has.Count.EqualTo(requests), "0 requests the second time");
        Assert.That(second.Out + second.Error, Does.Contain("unchanged since run 1"));
    }

    /// <summary>The built-in sandbox's port changes with every run: a source's history is kept across them all.</summary>
    [Test]
    public async Task WithTheBuiltInSandbox_TheSameSourceTwice_TheSecondRunSendsNothing()
    {
        _server.Csv("/report", Roster(3));

        var first = await CliRun.RunAsync(_settings, "import", ReportUrl, "--sandbox", "--out", _workspace.ReportFolder);
        var second = await CliRun.RunAsync(_settings, "import", ReportUrl, "--sandbox", "--out", _workspace.ReportFolder);

        Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((0, 0)), first + "\n" + second);
        Assert.That(first.Out, Does.Contain("Using the built-in sandbox"));
        Assert.That(second.Out, Does.Contain("unchanged since run"));
        var summary = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(_workspace.ReportFolder, "*.summary.json").Single())).RootElement;
        Assert.That(summary.GetProperty("input_file").GetString(), Is.EqualTo(_server.Url("/report")), "the source, not its deleted temporary copy, and no query");
    }

    [Test]
    public async Task TheSameSource_AfterARunThatLeftRowsFailed_RunsAgain_WhileOneWithOnlyInvalidRowsDoesNot()
    {
        await _sandbox.DisposeAsync();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { FailureRate = 1.0 });
        foreach (var (key, value) in CliRun.SettingsFor(_sandbox))
        {
            _settings[key] = value;
        }

        // Every request answers 500 and gets no second attempt: the row fails (exit 2), to be tried again.
        _settings["Delivery:MaxAttempts"] = "1";
        _server.Csv("/report", Roster(1));
        var first = await ImportAsync(ReportUrl);
        var requests = _sandbox.State.Requests.Count;
        var again = await ImportAsync(ReportUrl);

        Assert.That((first.ExitCode, again.ExitCode), Is.EqualTo((2, 2)), first + "\n" + again);
        Assert.That(again.Out + again.Error, Does.Not.Contain("unchanged since run"), "a row is left to do: the same file runs again");
        Assert.That(_sandbox.State.Requests.Count, Is.GreaterThan(requests), "the failed row is tried again");

        _server.Csv("/other", Roster(0) + "two@@x.example,Bad,Row,guest\n");
        var invalid = await ImportAsync(_server.Url("/other"));
        var unchanged = await ImportAsync(_server.Url("/other"));
        Assert.That((invalid.ExitCode, unchanged.ExitCode), Is.EqualTo((2, 0)), invalid + "\n" + unchanged);
        Assert.That(unchanged.Out, Does.Contain("unchanged since run").And.Contain("--force runs it again"), "only an invalid row, which the same file gives again");
    }

    [Test]
    public async Task Validate_And_Inspect_ReadASourceToo()
    {
        _server.Csv("/report", Roster(3));

        var validate = await CliRun.RunAsync(_settings, "validate", ReportUrl, "--out", _workspace.ReportFolder);
        var inspect = await CliRun.RunAsync(_settings, "inspect", ReportUrl);

        Assert.That((validate.ExitCode, inspect.ExitCode), Is.EqualTo((0, 0)), validate + "\n" + inspect);
        Assert.That(inspect.Out, Does.Contain("https://127.0.0.1").And.Contain("/report").And.Not.Contain(QuerySecret));
        Assert.That(_sandbox.State.Requests, Is.Empty);
    }

    /// <summary>Commands that send nothing ask for no Tallyfy credentials, whatever the source: the source's own are all they need.</summary>
    [TestCase("validate", "url")]
    [TestCase("inspect", "url")]
    [TestCase("validate", "-")]
    [TestCase("inspect", "-")]
    public async Task Validate_And_Inspect_OfASource_AskForNoTallyfyCredentials(string command, string source)
    {
        _server.Csv("/report", Roster(3));
        _settings.Remove("Tallyfy:BaseUrl");
        _settings["Tallyfy:OrganizationId"] = null;
        _settings["Tallyfy:AccessToken"] = null;

        string[] args = command == "validate" ? [command, source == "url" ? ReportUrl : "-", "--out", _workspace.ReportFolder] : [command, source == "url" ? ReportUrl : "-"];
        var result = source == "url" ? await CliRun.RunAsync(_settings, args) : await CliRun.RunWithInputAsync(_settings, Encoding.UTF8.GetBytes(Roster(3)), args);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Error, Does.Not.Contain("Tallyfy:"), "no credentials asked for");
        Assert.That(command == "inspect" ? result.Out : File.ReadAllText(Directory.GetFiles(_workspace.ReportFolder, "*.results.csv").Single()), Does.Contain("p2@x.example"));
    }

    /// <summary>The seven faulty sources of the issue: each refused before any request, one line, exit 6, a notification.</summary>
    [TestCase("login page")]
    [TestCase("header only")]
    [TestCase("cut mid-row")]
    [TestCase("stale")]
    [TestCase("email column renamed")]
    [TestCase("half the rows")]
    [TestCase("401")]
    [TestCase("empty")]
    [TestCase("cut inside a quoted field")]
    public async Task AFaultySource_IsRefusedBeforeAnyRequest_OneLine_Exit6(string fault)
    {
        using var hook = new WebhookReceiver();
        _settings["Notify:Webhook:Url"] = hook.Url;
        var expected = Arrange(fault);
        if (fault is "email column renamed" or "half the rows")
        {
            // The last good fetch the gates compare with.
            _server.Csv("/report", Roster(10, from: 100));
            Assert.That((await ImportAsync(ReportUrl)).ExitCode, Is.EqualTo(0));
            Arrange(fault);
        }

        var before = _sandbox.State.Requests.Count;
        var posted = hook.Bodies.Count;

        var result = await ImportAsync(ReportUrl);

        Assert.That(result.ExitCode, Is.EqualTo(6), result.ToString());
        Assert.That(ErrorLine(result), Does.Contain(expected));
        Assert.That(_sandbox.State.Requests, Has.Count.EqualTo(before), "0 requests reach the sandbox");
        var message = JsonDocument.Parse(hook.Bodies.Skip(posted).Single()).RootElement;
        Assert.That((message.GetProperty("event").GetString(), message.GetProperty("exit_code").GetInt32()), Is.EqualTo(("source_refused", 6)));
        Assert.That(message.GetProperty("problem").GetString(), Does.Contain(expected));
        AssertNoSecret(result, hook.Bodies);
    }

    private string Arrange(string fault)
    {
        switch (fault)
        {
            case "login page":
                _server.Csv("/report", "<!DOCTYPE html><html><body><form action=\"/login\">Sign in</form></body></html>", contentType: "text/html");
                return "not a table";
            case "header only":
                _server.Csv("/report", "Email,First Name,Last Name,Type\n");
                return "no rows";
            case "cut mid-row":
                _server.Csv("/report", Roster(5) + "p9@x.example,Pa");
                return "cut mid-record";
            case "stale":
                _settings["Sources:MaxAge"] = "1.00:00:00";
                _server.Csv("/report", Roster(5), lastModified: DateTimeOffset.UtcNow.AddDays(-3));
                return "stale";
            case "email column renamed":
                _server.Csv("/report", Roster(10, emailHeader: "Work Contact", from: 100));
                return "'Email' (email)";
            case "half the rows":
                _server.Csv("/report", Roster(5, from: 100));
                return "5 rows, 50% of the 10";
            case "empty":
                _server.Csv("/report", string.Empty);
                return "is empty";
            case "cut inside a quoted field":
                _server.Csv("/report", Roster(5) + "p9@x.example,\"Pat, the n");
                return "cannot be read as a roster";
            case "401":
                _server.Answer("/report", context =>
                {
                    context.Response.StatusCode = 401;
                    return Task.CompletedTask;
                });
                return "refused access (HTTP 401)";
            default:
                throw new ArgumentOutOfRangeException(nameof(fault));
        }
    }

    internal static string ErrorLine(CliResult result) =>
        result.ErrorLines.Where(l => l.StartsWith("bulkonboard: error:", StringComparison.Ordinal)).Single();

    private void AssertNoSecret(CliResult result, IEnumerable<string>? notifications = null)
    {
        var reports = Directory.Exists(_workspace.ReportFolder)
            ? string.Concat(Directory.GetFiles(_workspace.ReportFolder).Select(File.ReadAllText))
            : string.Empty;
        foreach (var text in new[] { result.Out, result.Error, reports, string.Concat(notifications ?? []) })
        {
            Assert.That(text, Does.Not.Contain("hdr-SECRET").And.Not.Contain("qry-SECRET"));
        }
    }
}
