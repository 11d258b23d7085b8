using System.Net;
using System.Text.Json;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>Unattended runs tell someone: a webhook or an e-mail after each watched file or run.</summary>
public class NotificationTests
{
    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _inbox = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Watch:SettleTime"] = "00:00:00";
        _settings["Notify:RetryDelay"] = "00:00:00.010";
        _inbox = Path.Combine(_workspace.Folder, "inbox");
        Directory.CreateDirectory(_inbox);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task WatchOnce_AFileWithInvalidRows_PostsOneJsonMessage_AndACleanFileNone()
    {
        using var hook = new WebhookReceiver();
        _settings["Notify:Webhook:Url"] = hook.Url;
        File.WriteAllText(Path.Combine(_inbox, "hires.csv"), "Email,Type\na@x.example,guest\nnot-an-email,guest\n");

        var result = await CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var message = JsonDocument.Parse(hook.Bodies.Single()).RootElement;
        Assert.That((message.GetProperty("file").GetString(), message.GetProperty("exit_code").GetInt32()), Is.EqualTo(("hires.csv", 2)));
        Assert.That((message.GetProperty("counts").GetProperty("created").GetInt32(), message.GetProperty("counts").GetProperty("invalid").GetInt32()), Is.EqualTo((1, 1)));

        File.WriteAllText(Path.Combine(_inbox, "clean.csv"), "Email,Type\nb@x.example,guest\n");
        var clean = await CliRun.RunAsync(_settings, "watch", "--inbox", _inbox, "--once");

        Assert.That(clean.ExitCode, Is.EqualTo(0), clean.ToString());
        Assert.That(hook.Bodies, Has.Count.EqualTo(1), "Notify:When=problems: a clean file posts nothing");
    }

    [Test]
    public async Task Due_WithNothingDue_IsOneLine_NoFile_NoRun_NoNotification_EvenWhenAlways()
    {
        using var hook = new WebhookReceiver();
        _settings["Notify:Webhook:Url"] = hook.Url;
        _settings["Notify:When"] = "always";
        var journal = _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
        var file = _workspace.Write("people.csv", "Email,Type\na@x.example,guest\n");
        Assert.That((await CliRun.RunAsync(_settings, "import", file, "--out", _workspace.ReportFolder)).ExitCode, Is.EqualTo(0));
        var posted = hook.Bodies.Count;
        var folder = Path.Combine(_workspace.Folder, "due");

        var due = await CliRun.RunAsync(_settings, "due", "--out", folder);

        Assert.That(due.ExitCode, Is.EqualTo(0), due.ToString());
        Assert.That(due.Out.Trim().Split('\n'), Has.Length.EqualTo(1), due.ToString());
        Assert.That(due.Out, Does.Contain("Nothing to carry out now").And.Contain("nothing else is scheduled"));
        Assert.That(Directory.Exists(folder) ? Directory.GetFiles(folder) : [], Is.Empty, "no report files");
        Assert.That(hook.Bodies, Has.Count.EqualTo(posted), "no notification: nothing happened");
        var history = await CliRun.RunAsync(_settings, "history", "-o", "json");
        Assert.That(JsonDocument.Parse(history.Out).RootElement.GetProperty("runs").GetArrayLength(), Is.EqualTo(1), "no journal run: only the import's");
    }

    [Test]
    public async Task AnUnreachableOrFailingWebhook_LeavesTheExitCodeAsItWas()
    {
        using var hook = new WebhookReceiver { Status = HttpStatusCode.InternalServerError };
        _settings["Notify:Webhook:Url"] = hook.Url;
        _settings["Notify:When"] = "always";
        var file = _workspace.Write("p.csv", "Email,Type\na@x.example,guest\n");

        var failing = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "a"));
        _settings["Notify:Webhook:Url"] = $"http://127.0.0.1:{WebhookReceiver.FreePort()}/nobody-listens";
        var unreachable = await CliRun.RunAsync(_settings, "import", _workspace.Write("q.csv", "Email,Type\nb@x.example,guest\n"), "--out", Path.Combine(_workspace.Folder, "b"));

        Assert.That((failing.ExitCode, unreachable.ExitCode), Is.EqualTo((0, 0)), failing + "\n" + unreachable);
        Assert.That(hook.Bodies, Has.Count.EqualTo(3), "tried three times");
        Assert.That(unreachable.Error, Does.Contain("could not be delivered").And.Not.Contain("nobody-listens"), "logged, without the address");
    }

    [Test]
    public async Task Email_HasTheSummary_AndFailedCsvAttached()
    {
        using var smtp = new SmtpReceiver();
        _settings["Notify:Smtp:Host"] = "127.0.0.1";
        _settings["Notify:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _settings["Notify:Smtp:UseTls"] = "false";
        _settings["Notify:Smtp:From"] = "bulkonboard@contoso.example";
        _settings["Notify:Smtp:To"] = "it@contoso.example; hr@contoso.example";
        var file = _workspace.Write("hires.csv", "Email,Type\na@x.example,guest\nnot-an-email,guest\n");

        var result = await CliRun.RunAsync(_settings, "import", file, "--out", Path.Combine(_workspace.Folder, "out"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var mail = smtp.Messages.Single();
        Assert.That(mail, Does.Contain("Subject: BulkOnboard import of hires.csv: exit code 2"));
        Assert.That(mail, Does.Contain("To: it@contoso.example, hr@contoso.example").Or.Contain("To: <it@contoso.example>"));
        Assert.That(mail, Does.Contain("text/html"));
        Assert.That(mail, Does.Match(@"Content-Disposition: attachment; filename=""?hires\.[0-9-]+\.failed\.csv"), "failed.csv attached");
    }
}
